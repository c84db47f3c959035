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

  /**
   * The config AppConfig has <em>deployed</em> (the target of the newest deployment that was not stopped or rolled
   * back, complete or still rolling out: while it rolls out some proxies serve it already), or null when nothing is
   * deployed. Not merely the latest hosted version: a version created but never deployed is served by nobody. Every
   * decision compares with this, and it is the base of the next change.
   */
  RolloutConfig deployedConfig();

  void publish(RolloutConfig config, Speed speed, String description);
}
