package io.llmcanary.aws.secretsmanager;

import io.llmcanary.core.ports.SecretSource;
import io.llmcanary.core.secrets.SecretVersions;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * A Secrets Manager secret's current and previous value: GetSecretValue with VersionStage AWSCURRENT, then
 * AWSPREVIOUS, which a secret has only once it was rotated (ResourceNotFoundException before: no previous). Two
 * calls per read; the caller decides how often ({@link io.llmcanary.core.secrets.CachedSecret}). Errors name the
 * secret and Secrets Manager's error code, never a value.
 */
public final class SecretsManagerSecretSource implements SecretSource {

  static final String CURRENT = "AWSCURRENT";
  static final String PREVIOUS = "AWSPREVIOUS";

  private final SecretsManagerClient client;
  private final String secretId;

  public SecretsManagerSecretSource(SecretsManagerClient client, String secretId) {
    this.client = Objects.requireNonNull(client, "client");
    this.secretId = Objects.requireNonNull(secretId, "secretId");
  }

  @Override
  public SecretVersions read() {
    String current;
    try {
      current = client.getSecretValue(b -> b.secretId(secretId).versionStage(CURRENT)).secretString();
    } catch (SdkException e) {
      throw new SecretUnavailableException("cannot read secret " + secretId + " (" + CURRENT + "): " + code(e), e);
    }
    if (current == null) {
      throw new SecretUnavailableException("secret " + secretId + " has no SecretString (binary secrets are not"
          + " supported)", null);
    }
    String previous;
    try {
      previous = client.getSecretValue(b -> b.secretId(secretId).versionStage(PREVIOUS)).secretString();
    } catch (ResourceNotFoundException e) {
      previous = null; // never rotated
    } catch (SdkException e) {
      throw new SecretUnavailableException("cannot read secret " + secretId + " (" + PREVIOUS + "): " + code(e), e);
    }
    return new SecretVersions(current, previous);
  }

  private static String code(SdkException e) {
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s && s.awsErrorDetails() != null) {
      return s.awsErrorDetails().errorCode();
    }
    return e.getClass().getSimpleName();
  }
}
