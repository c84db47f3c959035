package io.llmcanary.core.ports;

import io.llmcanary.core.config.RolloutConfig;
import java.util.Optional;

/**
 * Where the proxy reads the rollout config. Implementations keep the last good config when the source
 * fails or serves an invalid one; empty means no good config was ever seen.
 */
public interface ConfigSource {

  Optional<RolloutConfig> current();
}
