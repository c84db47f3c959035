package io.llmcanary.core.secrets;

import io.llmcanary.core.ports.SecretSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret read at init, again after a SnapStart restore ({@link #reload()}), and again once its refresh interval has
 * passed ({@link #refreshIfDue()}), so a rotation reaches running containers without a redeploy. A failed refresh
 * keeps the last good value (and is reported); only the first read must succeed. Not synchronized beyond a
 * volatile reference: two refreshes racing read the same secret and either result is right.
 */
public final class CachedSecret {

  private final SecretSource source;
  private final Duration refreshInterval;
  private final InstantSource clock;
  private volatile Snapshot snapshot;

  private record Snapshot(SecretVersions versions, Instant readAt) {}

  /** What a refresh found. */
  public sealed interface Refresh {
    /** Not due yet, or read and unchanged. */
    record Unchanged() implements Refresh {}

    /** Read, and the current value differs from the one held before: a rotation happened. */
    record Rotated(SecretVersions versions) implements Refresh {}

    /** The read failed; the last good value stays. */
    record Failed(String why) implements Refresh {}
  }

  /** Reads the secret now: a secret that cannot be read fails the init (Lambda reports it with the message). */
  public CachedSecret(SecretSource source, Duration refreshInterval, InstantSource clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.snapshot = new Snapshot(source.read(), clock.instant());
  }

  public SecretVersions versions() {
    return snapshot.versions();
  }

  /** Whether the refresh interval has passed since the last read. */
  public boolean due() {
    return !clock.instant().isBefore(snapshot.readAt().plus(refreshInterval));
  }

  /** Reads again if the interval has passed. */
  public Refresh refreshIfDue() {
    return due() ? reload() : new Refresh.Unchanged();
  }

  /** Reads again now (after a restore: the snapshot may be days old and the secret rotated since). */
  public Refresh reload() {
    Snapshot before = snapshot;
    SecretVersions now;
    try {
      now = source.read();
    } catch (RuntimeException e) {
      // try again after another interval, not on every call
      snapshot = new Snapshot(before.versions(), clock.instant());
      return new Refresh.Failed(Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
    }
    snapshot = new Snapshot(now, clock.instant());
    return now.equals(before.versions()) ? new Refresh.Unchanged() : new Refresh.Rotated(now);
  }
}
