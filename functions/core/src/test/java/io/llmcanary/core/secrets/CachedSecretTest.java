package io.llmcanary.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.ports.SecretSource;
import io.llmcanary.core.ports.SecretSource.SecretUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachedSecretTest {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
  private final AtomicReference<SecretVersions> stored = new AtomicReference<>(new SecretVersions("s1", null));
  private final AtomicInteger reads = new AtomicInteger();
  private boolean failing;
  private final SecretSource source = () -> {
    reads.incrementAndGet();
    if (failing) {
      throw new SecretUnavailableException("secret arn:...:feedback: AccessDenied", null);
    }
    return stored.get();
  };

  private CachedSecret cached() {
    return new CachedSecret(source, Duration.ofMinutes(5), now::get);
  }

  @Test
  void theSecretIsReadOnceAtInitAndNotAgainWithinTheInterval() {
    CachedSecret c = cached();
    now.set(now.get().plusSeconds(299));
    assertThat(c.refreshIfDue()).isEqualTo(new CachedSecret.Refresh.Unchanged());
    assertThat(reads).hasValue(1);
  }

  @Test
  void aRotationIsPickedUpOnceTheIntervalHasPassedWithThePreviousValueKept() {
    CachedSecret c = cached();
    stored.set(new SecretVersions("s2", "s1"));
    now.set(now.get().plus(Duration.ofMinutes(5)));

    assertThat(c.refreshIfDue()).isEqualTo(new CachedSecret.Refresh.Rotated(new SecretVersions("s2", "s1")));
    assertThat(c.versions().current()).isEqualTo("s2");
    assertThat(c.versions().previousValue()).contains("s1");
  }

  @Test
  void aReloadReadsAtOnceWhateverTheInterval() {
    CachedSecret c = cached();
    stored.set(new SecretVersions("s3", "s1"));
    assertThat(c.reload()).isInstanceOf(CachedSecret.Refresh.Rotated.class);
    assertThat(c.reload()).isEqualTo(new CachedSecret.Refresh.Unchanged());
  }

  @Test
  void aFailedRefreshKeepsTheLastGoodValueAndWaitsAnotherInterval() {
    CachedSecret c = cached();
    failing = true;
    now.set(now.get().plus(Duration.ofMinutes(6)));

    assertThat(c.refreshIfDue()).isInstanceOfSatisfying(CachedSecret.Refresh.Failed.class,
        f -> assertThat(f.why()).contains("AccessDenied"));
    assertThat(c.versions().current()).isEqualTo("s1");
    assertThat(c.due()).isFalse();
  }

  @Test
  void aSecretThatCannotBeReadAtInitFailsTheInit() {
    failing = true;
    assertThatThrownBy(this::cached).isInstanceOf(SecretUnavailableException.class).hasMessageContaining("AccessDenied");
  }

  @Test
  void valuesNeverShowInText() {
    assertThat(new SecretVersions("top-secret-current", "top-secret-previous").toString())
        .doesNotContain("top-secret");
    assertThat(new SecretVersions("same", "same").previousValue()).isEmpty();
  }
}
