package io.llmcanary.core.judge;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.stats.AlphaSpending;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The product's judge (docs/architecture.md#the-judge): a pure function from per-stage cumulative and last-hour stats to a verdict
 * with one row per metric. No clock, no randomness: time enters only through the windows' instants.
 *
 * <h2>Rows</h2>
 * User feedback ({@code avg_quality}), the quality judge ({@code judge_score}, or {@code preference} in pairwise
 * mode), automatic check failures ({@code check_failures}), p95 latency, cost and error rate: each signal its own
 * row, none averaged into another.
 *
 * <h2>Rollback check (every 15 minutes)</h2>
 * A metric regresses when its point estimate is past the rollback threshold (practically large) <em>and</em>
 * there is anytime-valid evidence that canary is worse than stable by at least a third of the way to that
 * threshold (statistically credible; {@link MetricEvidence#credibleRatio}), on the stage window or on the last
 * hour. Quality, judge score and cost: one-sided normal-mixture SPRT on canary − r × stable (Robbins; Howard et al.
 * 2021), variance under H₀ from Bhatia–Davis (quality, judge score) or a bounded coefficient of variation (cost).
 * Preference: the same boundary on canary's mean preference against a level below ½, variance from the published
 * squares. Error rate and check failures: a mixture SPRT on which version the events fell in (exact counts, no
 * variance, no division by stable's rate). p95 latency: Mann–Whitney of canary's per-period p95s against threshold ×
 * stable's, on the same mixture boundary. A hard ceiling on canary's error rate rolls back at once (unless stable is
 * failing just as much: a shared outage). A metric is HEALTHY only when it is credibly within its rollback threshold
 * on the stage window and the last hour has data.
 *
 * <h2>Promotion gate (end of stage)</h2>
 * HEALTHY when every group is credibly within its gate threshold (non-inferiority, same machinery), REGRESSION
 * when one row is credibly past it, else INCONCLUSIVE. The two quality rows form one group that either can settle:
 * sparse feedback still gathering ratings does not stall a gate the judge has settled, and either can roll back on
 * its own evidence (docs/judge-design.md says what this does to the error guarantee).
 *
 * <h2>Error budget</h2>
 * {@code alpha} per check type is split equally over the {@value #GROUPS} groups (Bonferroni), the quality group's
 * share halved between feedback and the judge. For the rollback check each row's share goes 3/4 to the stage window
 * (a confidence sequence: valid over every look of the stage) and 1/4 to the last-hour windows, which are different
 * samples at each look and so get an alpha-spending sequence over look indices ({@link AlphaSpending}). Budgets are
 * per stage: a new stage starts a new sequence.
 */
public final class SequentialJudge implements CanaryPolicy {

  /** Bound on the per-request cost's coefficient of variation (CloudWatch keeps no variances). */
  public static final double DEFAULT_COST_CV_BOUND = 2.0;
  /** Share of each metric's rollback alpha given to the stage window; the rest to last-hour looks. */
  static final double STAGE_ALPHA_SHARE = 0.75;
  /** The health check's schedule: look j of a stage is the one ending j × 15 min after the stage began. */
  static final Duration LOOK_INTERVAL = Duration.ofMinutes(15);
  /** Look index assumed when the windows carry no usable instants: a day into the stage, the cautious side. */
  static final long UNKNOWN_LOOK = 96;
  /** Offset of the last-hour spending sequence: the first hour's looks mostly repeat the stage window. */
  static final long SPENDING_OFFSET = 4;
  /** Groups the alpha is split over: quality (feedback and judge), check failures, latency, cost, errors. */
  static final int GROUPS = 5;
  /** Quality sources sharing the quality group's alpha: user feedback and the quality judge. */
  static final int QUALITY_SOURCES = 2;
  /** A rank test on fewer periods than this is not worth a decision. */
  static final int MIN_LATENCY_PERIODS = 10;

  private static final String STAGE = "since stage start";
  private static final String RECENT = "last hour";

  private final double costCvBound;

  public SequentialJudge() {
    this(DEFAULT_COST_CV_BOUND);
  }

  /** @param costCvBound assumed bound on the coefficient of variation of per-request cost (> 0) */
  public SequentialJudge(double costCvBound) {
    if (!(costCvBound > 0) || !Double.isFinite(costCvBound)) {
      throw new IllegalArgumentException("costCvBound must be positive and finite, got " + costCvBound);
    }
    this.costCvBound = costCvBound;
  }

  @Override
  public String name() {
    return "sequential";
  }

  @Override
  public Verdict rollbackCheck(JudgeInput input, Guardrails g) {
    Objects.requireNonNull(g, "guardrails");
    WindowStats stage = stageOf(input);
    WindowStats recent = recentOf(input);
    double spend = (1 - STAGE_ALPHA_SHARE) * AlphaSpending.weight(lookIndex(stage, recent), SPENDING_OFFSET);
    Optional<String> recentMissing = missing(recent);
    List<Judged> judged = new ArrayList<>();
    for (Metric m : rowsOf(stage)) {
      double alpha = alphaOf(m, g);
      judged.add(rollbackRow(m, stage, recent, g, alpha * STAGE_ALPHA_SHARE, alpha * spend, recentMissing));
    }
    return verdict(Verdict.Kind.ROLLBACK_CHECK, judged, stage);
  }

  @Override
  public Verdict promotionGate(JudgeInput input, Guardrails g) {
    Objects.requireNonNull(g, "guardrails");
    WindowStats stage = stageOf(input);
    WindowStats recent = recentOf(input);
    Optional<String> recentMissing = missing(recent);
    List<Judged> judged = new ArrayList<>();
    for (Metric m : rowsOf(stage)) {
      judged.add(gateRow(m, stage, recent, g, alphaOf(m, g), recentMissing));
    }
    return verdict(Verdict.Kind.PROMOTION_GATE, judged, stage);
  }

  /**
   * The rows of a check: user feedback, the quality judge (pairwise {@code preference} when canary has pairwise
   * comparisons in the stage, else absolute {@code judge_score}), check failures, latency, cost, errors. One judge row
   * only: a rollout runs the judge in one mode.
   */
  static List<Metric> rowsOf(WindowStats stage) {
    Metric judge = stage.canary().preference().count() > 0 ? Metric.PREFERENCE : Metric.JUDGE_SCORE;
    return List.of(Metric.QUALITY, judge, Metric.CHECK_FAILURES, Metric.LATENCY, Metric.COST, Metric.ERROR_RATE);
  }

  /**
   * Each row's share of alpha: equal over the {@value #GROUPS} groups (Bonferroni), and the quality group's share
   * halved between its two sources (user feedback, the judge), so the budget does not grow with the added row.
   */
  static double alphaOf(Metric m, Guardrails g) {
    double perGroup = g.alpha() / GROUPS;
    return m.isQuality() ? perGroup / QUALITY_SOURCES : perGroup;
  }

  // ---------------------------------------------------------------------------------------------- rows

  private Judged rollbackRow(Metric m, WindowStats stage, WindowStats recent, Guardrails g, double stageAlpha,
      double recentAlpha, Optional<String> recentMissing) {
    double ratio = m.rollbackRatio(g);
    String threshold = m.rollbackText(g);
    MetricEvidence es = evidence(m, stage, g);
    MetricEvidence er = evidence(m, recent, g);

    if (m == Metric.ERROR_RATE) {
      Optional<Judged> ceiling = hardCeiling(er, recent, RECENT, threshold, g)
          .or(() -> hardCeiling(es, stage, STAGE, threshold, g));
      if (ceiling.isPresent()) {
        return ceiling.get();
      }
    }
    MetricEvidence.Check stageWorse = null;
    if (es.shortfall().isEmpty() && es.pastThreshold(ratio)) {
      stageWorse = es.crediblyWorse(ratio, stageAlpha);
      if (stageWorse.holds()) {
        return regression(es, threshold, STAGE, stageWorse, stageAlpha);
      }
    }
    if (er.shortfall().isEmpty() && er.pastThreshold(ratio)) {
      MetricEvidence.Check recentWorse = er.crediblyWorse(ratio, recentAlpha);
      if (recentWorse.holds()) {
        return regression(er, threshold, RECENT, recentWorse, recentAlpha);
      }
    }
    return notRegressed(m, es, stage, recent, threshold, ratio, stageAlpha, stageWorse, recentMissing, g);
  }

  private Judged gateRow(Metric m, WindowStats stage, WindowStats recent, Guardrails g, double alpha,
      Optional<String> recentMissing) {
    double ratio = m.gateRatio(g);
    String threshold = m.gateText(g);
    MetricEvidence es = evidence(m, stage, g);
    if (m == Metric.ERROR_RATE) {
      Optional<Judged> ceiling = hardCeiling(evidence(m, recent, g), recent, RECENT, threshold, g)
          .or(() -> hardCeiling(es, stage, STAGE, threshold, g));
      if (ceiling.isPresent()) {
        return ceiling.get();
      }
    }
    MetricEvidence.Check past = null;
    if (es.shortfall().isEmpty() && es.pastThreshold(ratio)) {
      past = es.crediblyPast(ratio, alpha);
      if (past.holds()) {
        return regression(es, threshold, STAGE, past, alpha);
      }
    }
    return notRegressed(m, es, stage, recent, threshold, ratio, alpha, past, recentMissing, g);
  }

  /** No regression was shown: HEALTHY if credibly within the threshold on full data, else INCONCLUSIVE. */
  private Judged notRegressed(Metric m, MetricEvidence es, WindowStats stage, WindowStats recent, String threshold,
      double ratio, double alpha, MetricEvidence.Check pastButNotCredible, Optional<String> recentMissing,
      Guardrails g) {
    if (m == Metric.ERROR_RATE && (sharedOutage(stage, g) || sharedOutage(recent, g))) {
      return inconclusive(es, threshold, "both versions above the hard ceiling "
          + Percent.share(g.hardCeilingErrorRate()) + ": a shared outage, not judged against canary",
          "error_rate: both versions failing (shared outage?)");
    }
    Optional<String> shortfall = es.shortfall();
    if (shortfall.isPresent()) {
      return inconclusive(es, threshold, STAGE + ": " + shortfall.get(), m.label() + ": " + shortfall.get());
    }
    if (pastButNotCredible != null) {
      return inconclusive(es, threshold, STAGE + ": past the threshold, not yet credible; "
          + pastButNotCredible.detail(), m.label() + " " + m.format(es.canary()) + " vs " + m.format(es.stable())
          + " is past the threshold but not yet credible on " + samples(es, m));
    }
    MetricEvidence.Check within = es.crediblyWithin(ratio, alpha);
    if (!within.holds()) {
      return inconclusive(es, threshold, STAGE + ": not yet credibly within; " + within.detail(),
          m.label() + " not yet credibly within the threshold on " + samples(es, m));
    }
    if (recentMissing.isPresent()) {
      return inconclusive(es, threshold, RECENT + ": " + recentMissing.get() + "; nothing is healthy on partial data",
          "no data in the last hour (" + recentMissing.get() + ")");
    }
    return new Judged(row(es, threshold, Outcome.HEALTHY, STAGE + ": " + within.detail()), "");
  }

  private static Judged regression(MetricEvidence e, String threshold, String where, MetricEvidence.Check check,
      double alpha) {
    Metric m = e.metric();
    String headline = String.format(Locale.ROOT, "%s %s vs stable %s (%s) on %s %s: %s, credible at %s under continuous monitoring",
        m.label(), m.format(e.canary()), m.format(e.stable()), ComparisonTable.diff(
            MetricRow.diffPercent(e.stable(), e.canary())), samples(e, m), where, threshold,
        EvidenceWording.confidence(alpha));
    return new Judged(row(e, threshold, Outcome.REGRESSION, where + ": " + check.detail()), headline);
  }

  private static Judged inconclusive(MetricEvidence e, String threshold, String detail, String headline) {
    return new Judged(row(e, threshold, Outcome.INCONCLUSIVE, detail), headline);
  }

  /** Plainly broken canary: error rate above the ceiling over enough requests. Unless stable is just as broken. */
  private static Optional<Judged> hardCeiling(MetricEvidence e, WindowStats w, String where, String threshold,
      Guardrails g) {
    VersionStats s = w.stable();
    VersionStats c = w.canary();
    if (MetricEvidence.invalidCounts(s, "stable").isPresent() || MetricEvidence.invalidCounts(c, "canary").isPresent()
        || c.requests() < g.hardCeilingMinRequests() || !(c.errorRate() > g.hardCeilingErrorRate())
        || sharedOutage(w, g)) {
      return Optional.empty();
    }
    String stableText = s.requests() == 0 ? "no stable requests" : "stable " + Percent.share(s.errorRate());
    String headline = String.format(Locale.ROOT, "error_rate %s over %d canary requests %s is above the hard ceiling %s (%s)",
        Percent.share(c.errorRate()), c.requests(), where, Percent.share(g.hardCeilingErrorRate()), stableText);
    String detail = String.format(Locale.ROOT, "%s: hard ceiling, %d of %d canary requests failed (> %s over >= %d requests)",
        where, c.errors(), c.requests(), Percent.share(g.hardCeilingErrorRate()), g.hardCeilingMinRequests());
    return Optional.of(new Judged(row(e, threshold + "; hard ceiling " + Percent.share(g.hardCeilingErrorRate()),
        Outcome.REGRESSION, detail), headline, true));
  }

  private static boolean sharedOutage(WindowStats w, Guardrails g) {
    VersionStats s = w.stable();
    VersionStats c = w.canary();
    return MetricEvidence.invalidCounts(s, "stable").isEmpty() && MetricEvidence.invalidCounts(c, "canary").isEmpty()
        && s.requests() >= g.hardCeilingMinRequests() && c.requests() >= g.hardCeilingMinRequests()
        && s.errorRate() > g.hardCeilingErrorRate() && c.errorRate() > g.hardCeilingErrorRate();
  }

  private static MetricRow row(MetricEvidence e, String threshold, Outcome outcome, String detail) {
    return new MetricRow(e.metric(), e.stable(), e.canary(), MetricRow.diffPercent(e.stable(), e.canary()), threshold,
        outcome, e.stableSamples(), e.canarySamples(), detail);
  }

  private static String samples(MetricEvidence e, Metric m) {
    return switch (m) {
      case PREFERENCE -> e.canarySamples() + " comparisons";
      case QUALITY -> e.canarySamples() + " vs " + e.stableSamples() + " ratings";
      case JUDGE_SCORE -> e.canarySamples() + " vs " + e.stableSamples() + " judged answers";
      default -> e.canarySamples() + " vs " + e.stableSamples() + " requests";
    };
  }

  // ---------------------------------------------------------------------------------------------- verdict

  /** A row with the line that explains it; {@code hardCeiling}: a regression by the error ceiling, which wins. */
  private record Judged(MetricRow row, String headline, boolean hardCeiling) {

    Judged(MetricRow row, String headline) {
      this(row, headline, false);
    }
  }

  /**
   * REGRESSION if any row regressed (each quality source can roll back on its own evidence); HEALTHY when every
   * group is: the quality group when <em>either</em> source is credibly within (a sparse source still gathering
   * ratings does not stall a gate another source has settled), every other group by its one row; else INCONCLUSIVE.
   */
  private static Verdict verdict(Verdict.Kind kind, List<Judged> judged, WindowStats stage) {
    List<MetricRow> rows = judged.stream().map(Judged::row).toList();
    boolean gate = kind == Verdict.Kind.PROMOTION_GATE;
    Optional<Judged> ceiling = judged.stream()
        .filter(j -> j.row().result() == Outcome.REGRESSION && j.hardCeiling()).findFirst();
    Optional<Judged> regression = ceiling.or(() -> judged.stream()
        .filter(j -> j.row().result() == Outcome.REGRESSION).findFirst());
    if (regression.isPresent()) {
      return new Verdict(Outcome.REGRESSION, kind, rows,
          (gate ? "do not promote: " : "roll back: ") + regression.get().headline());
    }
    List<Judged> quality = judged.stream().filter(j -> j.row().metric().isQuality()).toList();
    List<Judged> others = judged.stream().filter(j -> !j.row().metric().isQuality()).toList();
    Optional<Judged> qualityHealthy = quality.stream().filter(j -> j.row().result() == Outcome.HEALTHY).findFirst();
    boolean othersHealthy = others.stream().allMatch(j -> j.row().result() == Outcome.HEALTHY);
    if (qualityHealthy.isPresent() && othersHealthy) {
      return new Verdict(Outcome.HEALTHY, kind, rows, String.format(Locale.ROOT,
          "%s: every metric credibly within the %s thresholds (quality on %s) on %d canary vs %d stable requests"
              + " since stage start",
          gate ? "promotable" : "healthy", gate ? "gate" : "rollback", qualityHealthy.get().row().metric(),
          stage.canary().requests(), stage.stable().requests()));
    }
    List<Judged> open = new ArrayList<>();
    if (qualityHealthy.isEmpty()) {
      open.addAll(quality);
    }
    others.stream().filter(j -> j.row().result() == Outcome.INCONCLUSIVE).forEach(open::add);
    List<String> headlines = open.stream().map(Judged::headline).distinct().toList();
    return new Verdict(Outcome.INCONCLUSIVE, kind, rows,
        (gate ? "not yet promotable: " : "no regression shown, not yet conclusive: ") + String.join("; ", headlines));
  }

  // ---------------------------------------------------------------------------------------------- inputs

  private static WindowStats stageOf(JudgeInput input) {
    return input == null || input.stage() == null ? WindowStats.empty(null, null) : nonNull(input.stage());
  }

  private static WindowStats recentOf(JudgeInput input) {
    return input == null || input.recent() == null ? WindowStats.empty(null, null) : nonNull(input.recent());
  }

  private static WindowStats nonNull(WindowStats w) {
    if (w.stable() != null && w.canary() != null) {
      return w;
    }
    return new WindowStats(w.from(), w.to(), w.stable() == null ? VersionStats.EMPTY : w.stable(),
        w.canary() == null ? VersionStats.EMPTY : w.canary());
  }

  /** Why a window holds no usable data at all, if it does not. */
  private static Optional<String> missing(WindowStats w) {
    return MetricEvidence.invalidCounts(w.stable(), "stable")
        .or(() -> MetricEvidence.invalidCounts(w.canary(), "canary"))
        .or(() -> w.stable().requests() == 0 ? Optional.of("no stable requests") : Optional.empty())
        .or(() -> w.canary().requests() == 0 ? Optional.of("no canary requests") : Optional.empty());
  }

  /**
   * Which look of the stage this is, from the windows' instants: j = ceil((recent end − stage start) / 15 min).
   * Each index spends its own share of the last-hour budget, so looks on the 15-minute schedule (or sparser) stay
   * within it; unknown instants take a late index, which spends less.
   */
  static long lookIndex(WindowStats stage, WindowStats recent) {
    Instant from = stage.from();
    Instant to = recent.to() != null ? recent.to() : stage.to();
    if (from == null || to == null || to.isBefore(from)) {
      return UNKNOWN_LOOK;
    }
    long seconds = Duration.between(from, to).toSeconds();
    long step = LOOK_INTERVAL.toSeconds();
    return Math.max(1, (seconds + step - 1) / step);
  }

  private MetricEvidence evidence(Metric m, WindowStats w, Guardrails g) {
    VersionStats s = w.stable();
    VersionStats c = w.canary();
    return switch (m) {
      case QUALITY -> new QualityEvidence(s, c, g.minQualitySamples());
      case JUDGE_SCORE -> QualityEvidence.judged(s, c, g.minJudgeSamples());
      case PREFERENCE -> new PreferenceEvidence(c.preference(), s, c, g.minJudgeSamples());
      case CHECK_FAILURES -> RateEvidence.checkFailures(s, c, g.minRequests(), g.minCheckFailureIncrease());
      case LATENCY -> new LatencyEvidence(s, c, g.minRequests(), MIN_LATENCY_PERIODS);
      case COST -> new CostEvidence(s, c, g.minRequests(), costCvBound);
      case ERROR_RATE -> new RateEvidence(s, c, g.minRequests(), g.minErrorRateIncrease());
    };
  }
}
