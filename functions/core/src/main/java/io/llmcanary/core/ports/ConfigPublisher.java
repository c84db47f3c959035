package io.llmcanary.core.ports;

import io.llmcanary.core.config.RolloutConfig;

/** Writes a new rollout config for every proxy to pick up. */
public interface ConfigPublisher {

  /** How fast the change must reach the proxies. */
  enum Speed {
    /** A rollback: stop any running deployment and deploy at once. */
    IMMEDIATE,
    /** A planned change (a new stage): the environment's normal strategy. */
    PLANNED
  }

  /** The config as last published, the base of the next change. */
  RolloutConfig currentConfig();

  void publish(RolloutConfig config, Speed speed, String description);
}
