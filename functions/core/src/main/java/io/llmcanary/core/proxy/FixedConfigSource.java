package io.llmcanary.core.proxy;

import io.llmcanary.core.config.RolloutConfig;

/** A config held in memory (local runs, tests, benchmarks); {@link #set} swaps it, as a deployment would. */
public final class FixedConfigSource implements SnapshotConfigSource {

  private volatile ConfigSnapshot snapshot;

  public FixedConfigSource(RolloutConfig config) {
    this.snapshot = ConfigSnapshot.fixed(config);
  }

  public void set(RolloutConfig config) {
    this.snapshot = ConfigSnapshot.fixed(config);
  }

  @Override
  public ConfigSnapshot snapshot() {
    return snapshot;
  }
}
