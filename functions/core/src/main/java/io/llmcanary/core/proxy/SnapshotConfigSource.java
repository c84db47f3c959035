package io.llmcanary.core.proxy;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ConfigSource;
import java.util.Optional;

/** A config source that also says when it last confirmed its config, so a proxy can stop trusting an old one. */
public interface SnapshotConfigSource extends ConfigSource {

  ConfigSnapshot snapshot();

  @Override
  default Optional<RolloutConfig> current() {
    return snapshot().current();
  }

  /** Any config source, as one whose config is never considered old. */
  static SnapshotConfigSource of(ConfigSource source) {
    if (source instanceof SnapshotConfigSource s) {
      return s;
    }
    return () -> new ConfigSnapshot(source.current().orElse(null), null, 0);
  }
}
