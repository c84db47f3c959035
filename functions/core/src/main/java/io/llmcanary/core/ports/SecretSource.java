package io.llmcanary.core.ports;

import io.llmcanary.core.secrets.SecretVersions;

/** Where a secret is read from (Secrets Manager in AWS): its current and previous value, read when asked. */
@FunctionalInterface
public interface SecretSource {

  /**
   * The secret's current and previous values.
   *
   * @throws SecretUnavailableException when it cannot be read; the message names the secret and the cause, never a value
   */
  SecretVersions read();

  final class SecretUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecretUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
