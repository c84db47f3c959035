package io.llmcanary.core.secrets;

import java.util.Objects;
import java.util.Optional;

/**
 * A secret as a rotation leaves it (docs/architecture.md#security-and-trust-boundaries): the current value, which signs, and the previous one, which still
 * verifies what was signed before the rotation. {@link #toString()} never shows either.
 *
 * @param current  the value that signs (Secrets Manager's AWSCURRENT stage)
 * @param previous the value it replaced (AWSPREVIOUS), or null when the secret was never rotated
 */
public record SecretVersions(String current, String previous) {

  public SecretVersions {
    Objects.requireNonNull(current, "current");
    previous = previous == null || previous.isBlank() || previous.equals(current) ? null : previous;
  }

  public Optional<String> previousValue() {
    return Optional.ofNullable(previous);
  }

  @Override
  public String toString() {
    return "SecretVersions[current=***, previous=" + (previous == null ? "none" : "***") + "]";
  }
}
