package io.llmcanary.core.health;

import io.llmcanary.core.alerts.OperatorCommands;
import java.time.Duration;

/**
 * How the health check runs.
 *
 * @param actor              who the audit trail names for the check's decisions
 * @param lease              how long a run that claimed a rollback may work on it before another run may take
 *                           over: longer than the function's timeout, shorter than the schedule's 15 minutes, so
 *                           two concurrent runs never both work a rollback while a crashed one is resumed by the
 *                           next scheduled run
 * @param maxTransitionTries attempts at the conditional ROLLED_BACK write when other writers (a promotion, an
 *                           approval) keep moving the rollout underneath
 * @param maxTaskAttempts    runs that try to fail the workflow's approval task before giving up on it (the
 *                           execution may have ended or timed out; the state is ROLLED_BACK either way)
 * @param commands           names used in the commands an alert offers
 */
public record HealthCheckSettings(String actor, Duration lease, int maxTransitionTries, int maxTaskAttempts,
    OperatorCommands commands) {

  public static final String ACTOR = "health-check";

  public static HealthCheckSettings defaults(OperatorCommands commands) {
    return new HealthCheckSettings(ACTOR, Duration.ofMinutes(5), 3, 8, commands);
  }
}
