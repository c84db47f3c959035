package io.llmcanary.core.proxy;

import io.llmcanary.core.config.RolloutConfig;
import java.time.Instant;
import java.util.Optional;

/**
 * The rollout config a proxy holds now, and how sure it is of it.
 *
 * @param config      the last good config; null when none was ever seen
 * @param confirmedAt when the source last confirmed the config (a successful read); null when unknown (a fixed
 *                    config, which needs no confirming)
 * @param failures    reads that failed or returned an invalid config, since the container started
 */
public record ConfigSnapshot(RolloutConfig config, Instant confirmedAt, long failures) {

  public static ConfigSnapshot fixed(RolloutConfig config) {
    return new ConfigSnapshot(config, null, 0);
  }

  public Optional<RolloutConfig> current() {
    return Optional.ofNullable(config);
  }
}
