package io.llmcanary.local.sim;

import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.MetricsQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What CloudWatch would answer for the simulated traffic: per-check aggregates, summed over the window asked
 * for (since the stage began, and the last hour). The health check and the promotion gate read it through the
 * same port as the deployed functions read CloudWatch.
 */
final class SimulatedMetrics implements MetricsQuery {

  static final Duration RECENT = Duration.ofHours(1);

  private record Check(Instant end, WindowAccumulator stable, WindowAccumulator canary) {}

  private final List<Check> checks = new ArrayList<>();
  // The stage window grows by one check per call: keep its running sum instead of re-adding a day of checks.
  private Instant cachedFrom;
  private int cachedUpTo;
  private WindowAccumulator cachedStable;
  private WindowAccumulator cachedCanary;
  private Instant lastFrom;
  private Instant lastNow;
  private JudgeInput lastAnswer;

  void add(Instant end, WindowAccumulator stable, WindowAccumulator canary) {
    checks.add(new Check(end, stable, canary));
  }

  @Override
  public JudgeInput fetch(String application, String rolloutId, Instant stageStartedAt, Instant now) {
    if (stageStartedAt.equals(lastFrom) && now.equals(lastNow)) {
      return lastAnswer;
    }
    if (!stageStartedAt.equals(cachedFrom)) {
      cachedFrom = stageStartedAt;
      cachedUpTo = 0;
      cachedStable = new WindowAccumulator();
      cachedCanary = new WindowAccumulator();
    }
    while (cachedUpTo < checks.size() && !checks.get(cachedUpTo).end().isAfter(now)) {
      Check c = checks.get(cachedUpTo++);
      if (c.end().isAfter(stageStartedAt)) {
        cachedStable.addAll(c.stable());
        cachedCanary.addAll(c.canary());
      }
    }
    WindowAccumulator rs = new WindowAccumulator();
    WindowAccumulator rc = new WindowAccumulator();
    Instant recentFrom = now.minus(RECENT);
    for (int i = checks.size() - 1; i >= 0; i--) {
      Check c = checks.get(i);
      if (!c.end().isAfter(recentFrom) || !c.end().isAfter(stageStartedAt)) {
        break;
      }
      if (!c.end().isAfter(now)) {
        rs.addAll(c.stable());
        rc.addAll(c.canary());
      }
    }
    lastFrom = stageStartedAt;
    lastNow = now;
    lastAnswer = new JudgeInput(new WindowStats(stageStartedAt, now, cachedStable.stats(), cachedCanary.stats()),
        new WindowStats(recentFrom.isAfter(stageStartedAt) ? recentFrom : stageStartedAt, now, rs.stats(), rc.stats()));
    return lastAnswer;
  }
}
