package io.llmcanary.core.judge;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.rollout.Percent;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The seed article's rule, kept as a baseline to measure the {@link SequentialJudge} against: point estimates over
 * the last hour only ({@link JudgeInput#recent()}), no minimum samples, no statistics, no memory of the stage.
 *
 * <ul>
 *   <li>Rollback (every 15 minutes): canary quality &lt; rollbackQualityRatio × stable, or canary error rate
 *       &gt; rollbackErrorRateRatio × stable. Latency and cost are not part of the seed's rollback rule; their rows
 *       are shown and marked HEALTHY ("not checked").</li>
 *   <li>Gate: quality ≥ gateQualityRatio × stable, p95 ≤ gateLatencyP95Ratio × stable, cost ≤ gateCostRatio ×
 *       stable. Error rate is not part of the seed's gate (informational row).</li>
 * </ul>
 *
 * Its weaknesses are kept on purpose: one canary error against a stable with none is "more than twice" and rolls
 * back; 12 requests decide as firmly as 12,000. It never throws: the seed's only division is the table's diff
 * {@code (c − s) / s}, which is n/a when stable is 0 ({@link MetricRow#diffPercent}); its comparisons multiply
 * instead of dividing. Where a value is unknown (no requests, no ratings, NaN) the seed's Python comparison
 * would be False, i.e. no rollback: the row is INCONCLUSIVE.
 */
public final class NaiveSeedPolicy implements CanaryPolicy {

  private static final String NOT_CHECKED = "not part of the seed's rule (informational)";

  @Override
  public String name() {
    return "naive";
  }

  @Override
  public Verdict rollbackCheck(JudgeInput input, Guardrails g) {
    return judge(Verdict.Kind.ROLLBACK_CHECK, input, g, (s, c) -> List.of(
        rule(Metric.QUALITY, s.meanQuality(), c.meanQuality(), s.qualityCount(), c.qualityCount(),
            "rollback if < " + Percent.ofRatio(g.rollbackQualityRatio()) + " of stable",
            c.meanQuality() < g.rollbackQualityRatio() * s.meanQuality()),
        informational(Metric.LATENCY, p95(s), p95(c), s.requests(), c.requests()),
        informational(Metric.COST, s.meanCost(), c.meanCost(), s.requests(), c.requests()),
        rule(Metric.ERROR_RATE, s.errorRate(), c.errorRate(), s.requests(), c.requests(),
            "rollback if > " + g.rollbackErrorRateRatio() + "x stable",
            c.errorRate() > g.rollbackErrorRateRatio() * s.errorRate())));
  }

  @Override
  public Verdict promotionGate(JudgeInput input, Guardrails g) {
    return judge(Verdict.Kind.PROMOTION_GATE, input, g, (s, c) -> List.of(
        rule(Metric.QUALITY, s.meanQuality(), c.meanQuality(), s.qualityCount(), c.qualityCount(),
            "gate: >= " + Percent.ofRatio(g.gateQualityRatio()) + " of stable",
            !(c.meanQuality() >= g.gateQualityRatio() * s.meanQuality())),
        rule(Metric.LATENCY, p95(s), p95(c), s.requests(), c.requests(),
            "gate: <= " + Percent.ofRatio(g.gateLatencyP95Ratio()) + " of stable",
            !(p95(c) <= g.gateLatencyP95Ratio() * p95(s))),
        rule(Metric.COST, s.meanCost(), c.meanCost(), s.requests(), c.requests(),
            "gate: <= " + Percent.ofRatio(g.gateCostRatio()) + " of stable",
            !(c.meanCost() <= g.gateCostRatio() * s.meanCost())),
        informational(Metric.ERROR_RATE, s.errorRate(), c.errorRate(), s.requests(), c.requests())));
  }

  /** The seed's rows for the last hour's stable and canary, then its verdict on them. */
  private static Verdict judge(Verdict.Kind kind, JudgeInput input, Guardrails g,
      BiFunction<VersionStats, VersionStats, List<MetricRow>> rows) {
    Objects.requireNonNull(g, "guardrails");
    WindowStats w = recentOf(input);
    return verdict(kind, rows.apply(w.stable(), w.canary()));
  }

  /** One point-estimate rule; {@code fails} is only trusted when both values are known. */
  private static MetricRow rule(Metric metric, double stable, double canary, long ns, long nc, String threshold,
      boolean fails) {
    if (Double.isNaN(stable) || Double.isNaN(canary)) {
      return new MetricRow(metric, stable, canary, Double.NaN, threshold, Outcome.INCONCLUSIVE, ns, nc,
          "no value in the last hour (the seed's comparison would be false: no action)");
    }
    return new MetricRow(metric, stable, canary, MetricRow.diffPercent(stable, canary), threshold,
        fails ? Outcome.REGRESSION : Outcome.HEALTHY, ns, nc, "seed rule: last-hour point estimates, no test");
  }

  private static MetricRow informational(Metric metric, double stable, double canary, long ns, long nc) {
    boolean known = !Double.isNaN(stable) && !Double.isNaN(canary);
    return new MetricRow(metric, stable, canary, MetricRow.diffPercent(stable, canary), "-",
        known ? Outcome.HEALTHY : Outcome.INCONCLUSIVE, ns, nc, NOT_CHECKED);
  }

  private static Verdict verdict(Verdict.Kind kind, List<MetricRow> rows) {
    for (MetricRow r : rows) {
      if (r.result() == Outcome.REGRESSION) {
        return new Verdict(Outcome.REGRESSION, kind, rows, String.format(Locale.ROOT,
            "%s%s canary %.4g vs stable %.4g (%s) in the last hour (%s; %d vs %d samples, seed rule)",
            kind == Verdict.Kind.PROMOTION_GATE ? "do not promote: " : "roll back: ", r.metric(), r.canary(),
            r.stable(), ComparisonTable.diff(r.diffPercent()), r.threshold(), r.canarySamples(), r.stableSamples()));
      }
    }
    if (rows.stream().allMatch(r -> r.result() == Outcome.HEALTHY)) {
      return new Verdict(Outcome.HEALTHY, kind, rows, "seed rule passed on the last hour's point estimates");
    }
    return new Verdict(Outcome.INCONCLUSIVE, kind, rows, "seed rule: missing values in the last hour ("
        + String.join(", ", rows.stream().filter(r -> r.result() == Outcome.INCONCLUSIVE).map(r -> r.metric().label()).toList())
        + ")");
  }

  private static double p95(VersionStats v) {
    return v.latencyP95Ms();
  }

  private static WindowStats recentOf(JudgeInput input) {
    if (input == null || input.recent() == null) {
      return WindowStats.empty(null, null);
    }
    WindowStats w = input.recent();
    return new WindowStats(w.from(), w.to(), w.stable() == null ? VersionStats.EMPTY : w.stable(),
        w.canary() == null ? VersionStats.EMPTY : w.canary());
  }
}
