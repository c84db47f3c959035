package io.llmcanary.aws.secretsmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.ports.SecretSource.SecretUnavailableException;
import io.llmcanary.core.secrets.CachedSecret;
import io.llmcanary.core.secrets.SecretVersions;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The secret source against the emulator's Secrets Manager: stages as PutSecretValue moves them. */
@AwsIntegrationTest
class SecretsManagerSecretSourceIT {

  private static SecretsManagerClient client;

  @BeforeAll
  static void client(AwsEndpoint aws) {
    client = aws.client(SecretsManagerClient.builder());
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static String secret(String value) {
    return client.createSecret(b -> b.name("feedback-" + UUID.randomUUID()).secretString(value)).arn();
  }

  @Test
  void aSecretNeverRotatedHasACurrentValueAndNoPrevious() {
    String arn = secret("first-secret-value-0123456789abcdef");

    assertThat(new SecretsManagerSecretSource(client, arn).read())
        .isEqualTo(new SecretVersions("first-secret-value-0123456789abcdef", null));
  }

  @Test
  void afterARotationTheNewValueSignsAndTheOldOneIsStillAccepted() {
    String arn = secret("first-secret-value-0123456789abcdef");
    // a manual rotation: the new value becomes AWSCURRENT, the old one moves to AWSPREVIOUS
    client.putSecretValue(b -> b.secretId(arn).secretString("second-secret-value-0123456789abcdef"));

    SecretVersions v = new SecretsManagerSecretSource(client, arn).read();

    assertThat(v.current()).isEqualTo("second-secret-value-0123456789abcdef");
    assertThat(v.previousValue()).contains("first-secret-value-0123456789abcdef");
  }

  @Test
  void aCachedSecretPicksUpARotationAfterItsIntervalWithoutARedeploy() {
    String arn = secret("first-secret-value-0123456789abcdef");
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
    CachedSecret cached = new CachedSecret(new SecretsManagerSecretSource(client, arn), Duration.ofMinutes(5), now::get);
    client.putSecretValue(b -> b.secretId(arn).secretString("second-secret-value-0123456789abcdef"));

    assertThat(cached.refreshIfDue()).isEqualTo(new CachedSecret.Refresh.Unchanged());
    now.set(now.get().plus(Duration.ofMinutes(5)));
    assertThat(cached.refreshIfDue()).isInstanceOf(CachedSecret.Refresh.Rotated.class);
    assertThat(cached.versions().current()).isEqualTo("second-secret-value-0123456789abcdef");
    assertThat(cached.versions().previousValue()).contains("first-secret-value-0123456789abcdef");
  }

  @Test
  void aMissingSecretIsNamedWithTheErrorCodeAndNoValue() {
    String missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nobody-made-this-AbCdEf";

    assertThatThrownBy(() -> new SecretsManagerSecretSource(client, missing).read())
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageContaining(missing).hasMessageContaining("ResourceNotFoundException");
  }
}
