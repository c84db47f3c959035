package io.llmcanary.local.sim;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.rollout.StagePlan;
import java.time.Duration;

/**
 * How a simulated rollout runs.
 *
 * @param stable          the stable version's truth
 * @param canary          the canary version's truth
 * @param traffic         request rate and daily cycle
 * @param plan            stage percents
 * @param stageDuration   how long a stage runs before its gate (24 h)
 * @param checkInterval   how often the health check runs (15 min)
 * @param recentWindow    the fast look (1 h)
 * @param maxExtensions   how many times an INCONCLUSIVE gate waits another stage duration before stopping
 * @param guardrails      the judge's thresholds
 * @param users           distinct users; each stage's real canary share is the share of these users the
 *                        production assignment puts on canary (0: exactly the stage percent)
 * @param judge           the quality judge on sampled answers, and its noise ({@link SimulatedJudge#OFF}: none)
 */
public record SimulationSettings(
    VersionTruth stable,
    VersionTruth canary,
    TrafficModel traffic,
    StagePlan plan,
    Duration stageDuration,
    Duration checkInterval,
    Duration recentWindow,
    int maxExtensions,
    Guardrails guardrails,
    int users,
    SimulatedJudge judge) {

  public static final int DEFAULT_USERS = 10_000;

  /** The default truth model: 2% feedback and the default quality judge ({@link SimulatedJudge#DEFAULT}). */
  public static SimulationSettings of(Scenario scenario, double rpm, int users) {
    return of(scenario, rpm, users, VersionTruth.DEFAULT_FEEDBACK_RATE, SimulatedJudge.DEFAULT);
  }

  public static SimulationSettings of(Scenario scenario, double rpm, int users, double feedbackRate,
      SimulatedJudge judge) {
    VersionTruth stable = VersionTruth.defaultStable(feedbackRate);
    return new SimulationSettings(stable, scenario.canary(stable), new TrafficModel(rpm, 0.5), StagePlan.DEFAULT,
        Duration.ofHours(24), Duration.ofMinutes(15), Duration.ofHours(1), 2, Guardrails.defaults(), users,
        judge == null ? SimulatedJudge.OFF : judge);
  }

  public int minutesPerCheck() {
    return (int) checkInterval.toMinutes();
  }
}
