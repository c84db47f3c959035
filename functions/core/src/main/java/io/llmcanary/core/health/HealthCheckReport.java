package io.llmcanary.core.health;

import java.time.Instant;
import java.util.List;

/** One run: when, and what it did about each rollout it looked at. */
public record HealthCheckReport(Instant at, List<RolloutCheck> rollouts) {

  public HealthCheckReport {
    rollouts = List.copyOf(rollouts);
  }

  public boolean anyFailed() {
    return rollouts.stream().anyMatch(r -> r.action() == RolloutCheck.Action.FAILED);
  }
}
