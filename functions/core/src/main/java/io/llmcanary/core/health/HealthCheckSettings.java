package io.llmcanary.core.health;

import io.llmcanary.core.alerts.OperatorCommands;

/**
 * How the health check runs.
 *
 * @param actor    who the audit trail names for the check's decisions
 * @param commands names used in the commands an alert offers
 */
public record HealthCheckSettings(String actor, OperatorCommands commands) {

  public static final String ACTOR = "health-check";

  public static HealthCheckSettings defaults(OperatorCommands commands) {
    return new HealthCheckSettings(ACTOR, commands);
  }
}
