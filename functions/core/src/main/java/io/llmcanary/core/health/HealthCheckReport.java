package io.llmcanary.core.health;

import io.llmcanary.core.rollback.Reconciler;
import java.time.Instant;
import java.util.List;

/**
 * One run: when, what it did about each rollout it looked at, and what the reconciler found.
 *
 * @param reconcile the reconciler's result (docs/architecture.md#rollout-state), or null when the run was for one named rollout only
 */
public record HealthCheckReport(Instant at, List<RolloutCheck> rollouts, Reconciler.Result reconcile) {

  public HealthCheckReport {
    rollouts = List.copyOf(rollouts);
  }

  public HealthCheckReport(Instant at, List<RolloutCheck> rollouts) {
    this(at, rollouts, null);
  }

  public boolean anyFailed() {
    return rollouts.stream().anyMatch(r -> r.action() == RolloutCheck.Action.FAILED)
        || reconcile instanceof Reconciler.Result.Failed;
  }

  /** The run's outcome counts, one metric each (see {@link Signal}): what the alarms page on. */
  public long count(Signal signal) {
    return switch (signal) {
      case JUDGED -> rollouts.stream().filter(r -> r.action() == RolloutCheck.Action.JUDGED
          || r.action() == RolloutCheck.Action.ROLLED_BACK).count();
      case COULD_NOT_JUDGE -> rollouts.stream().filter(r -> r.action() == RolloutCheck.Action.NOT_JUDGED
          || r.action() == RolloutCheck.Action.FAILED).count();
      case ROLLBACK_STEP_FAILED -> rollouts.stream().mapToLong(RolloutCheck::failedSteps).sum()
          + (reconcile instanceof Reconciler.Result.Failed f && f.driftFound() ? 1 : 0);
      case DRIFT_CORRECTED -> reconcile instanceof Reconciler.Result.Corrected ? 1 : 0;
    };
  }

  /** The health check's own signals, each an EMF metric of the run (namespace LlmCanary/HealthCheck). */
  public enum Signal {
    /** Rollouts judged on data this run. */
    JUDGED("RolloutsJudged"),
    /** Running rollouts that could not be judged (metrics unreadable, a check that failed). */
    COULD_NOT_JUDGE("RolloutsNotJudged"),
    /** Owed rollback steps (canary 0%, the page, failing the approval) that failed and stay owed. */
    ROLLBACK_STEP_FAILED("RollbackStepsFailed"),
    /** The reconciler found more users on a canary than allowed and took them off. */
    DRIFT_CORRECTED("DriftCorrected");

    private final String metricName;

    Signal(String metricName) {
      this.metricName = metricName;
    }

    public String metricName() {
      return metricName;
    }
  }
}
