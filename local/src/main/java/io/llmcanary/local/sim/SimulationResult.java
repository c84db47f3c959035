package io.llmcanary.local.sim;

import java.util.List;

/**
 * How one simulated rollout ended.
 *
 * @param outcome         PROMOTED, ROLLED_BACK, REJECTED or STALLED (an inconclusive gate that ran out of waits)
 * @param rollbackCheck   the health check (1-based, from the rollout's start) that rolled back, or -1
 * @param checks          health checks run in all
 * @param stageReached    index of the last stage entered
 * @param timeline        what happened, in order
 * @param series          per-check values for charts
 * @param judged          answers (absolute) or comparisons (pairwise) the quality judge graded over the rollout
 */
public record SimulationResult(String outcome, int rollbackCheck, int checks, int stageReached,
    List<TimelineEvent> timeline, List<CheckPoint> series, long judged) {

  public SimulationResult(String outcome, int rollbackCheck, int checks, int stageReached,
      List<TimelineEvent> timeline, List<CheckPoint> series) {
    this(outcome, rollbackCheck, checks, stageReached, timeline, series, 0);
  }

  public boolean rolledBack() {
    return "ROLLED_BACK".equals(outcome);
  }

  /** One health check's view, for the report's charts. */
  public record CheckPoint(int check, double hours, double percent, double stableQuality, double canaryQuality,
      double stableErrorRate, double canaryErrorRate, double stableP95, double canaryP95, double stableCost,
      double canaryCost, String verdict) {}
}
