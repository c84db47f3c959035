package io.llmcanary.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

class JudgePropertiesTest {

  static final Guardrails G = Guardrails.defaults();
  static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  final SequentialJudge judge = new SequentialJudge();

  /** A version over a window, by its rates; everything a judge input needs and nothing inconsistent. */
  record Traffic(long requests, double errorRate, double ratedShare, double quality, double meanCost, double p95,
      int periods) {

    VersionStats stats() {
      long ratings = Math.round(requests * ratedShare);
      return new VersionStats(requests, Math.round(requests * errorRate), meanCost * requests, ratings,
          quality * ratings, p95, Fixtures.series(p95, periods));
    }
  }

  /** How much better the swapped-in canary is: fewer errors, higher ratings, lower cost and latency. */
  record Better(double errorsKept, double qualityGain, double costKept, double latencyKept) {

    VersionStats apply(VersionStats c) {
      long errors = (long) Math.floor(c.errors() * errorsKept);
      double qualitySum = c.qualitySum() + (c.qualityCount() - c.qualitySum()) * qualityGain;
      List<Double> series = c.latencyP95Series().stream().map(v -> v * latencyKept).toList();
      return new VersionStats(c.requests(), errors, c.costSum() * costKept, c.qualityCount(), qualitySum,
          c.latencyP95Ms() * latencyKept, series);
    }
  }

  record Scenario(Traffic stable, Traffic canary, Traffic recentCanary, double hours) {

    JudgeInput input(Better better) {
      VersionStats c = canary.stats();
      VersionStats rc = recentCanary.stats();
      if (better != null) {
        c = better.apply(c);
        rc = better.apply(rc);
      }
      Instant to = T0.plus(Duration.ofMinutes(Math.round(hours * 60)));
      Traffic rs = new Traffic(Math.max(1, Math.round(stable.requests() / hours)), stable.errorRate(),
          stable.ratedShare(), stable.quality(), stable.meanCost(), stable.p95(), 60);
      return new JudgeInput(new WindowStats(T0, to, stable.stats(), c),
          new WindowStats(to.minus(Duration.ofHours(1)), to, rs.stats(), rc));
    }
  }

  @Provide
  Arbitrary<Traffic> stableTraffic() {
    return Combinators.combine(
            Arbitraries.longs().between(1_000, 200_000),
            Arbitraries.doubles().between(0, 0.05).ofScale(4),
            Arbitraries.doubles().between(0.05, 0.5).ofScale(3),
            Arbitraries.doubles().between(0.5, 0.98).ofScale(3),
            Arbitraries.doubles().between(0.001, 0.01).ofScale(5),
            Arbitraries.doubles().between(800, 4000).ofScale(1),
            Arbitraries.integers().between(10, 200))
        .as(Traffic::new);
  }

  /** A canary relative to a stable: anything from much better to plainly broken, on few or many requests. */
  Arbitrary<Traffic> canaryOf(Traffic s, long minRequests, long maxRequests) {
    return Combinators.combine(
            Arbitraries.longs().between(minRequests, maxRequests),
            Arbitraries.doubles().between(0, 4).ofScale(3).map(f -> Math.min(1, s.errorRate() * f)),
            Arbitraries.doubles().between(0.5, 1.15).ofScale(3).map(f -> Math.min(1, s.quality() * f)),
            Arbitraries.doubles().between(0.6, 2.5).ofScale(3),
            Arbitraries.doubles().between(0.6, 2.5).ofScale(3),
            Arbitraries.integers().between(10, 200))
        .as((n, e, q, cost, lat, k) -> new Traffic(n, e, s.ratedShare(), q, s.meanCost() * cost, s.p95() * lat, k));
  }

  /** A canary close to stable on plenty of traffic: the kind that can be HEALTHY. */
  Arbitrary<Traffic> nearlyStable(Traffic s, long minRequests, long maxRequests) {
    return Combinators.combine(
            Arbitraries.longs().between(minRequests, maxRequests),
            Arbitraries.doubles().between(0, 1.2).ofScale(3).map(f -> Math.min(1, s.errorRate() * f)),
            Arbitraries.doubles().between(0.97, 1.1).ofScale(3).map(f -> Math.min(1, s.quality() * f)),
            Arbitraries.doubles().between(0.7, 1.1).ofScale(3),
            Arbitraries.doubles().between(0.7, 1.1).ofScale(3),
            Arbitraries.integers().between(60, 200))
        .as((n, e, q, cost, lat, k) -> new Traffic(n, e, s.ratedShare(), q, s.meanCost() * cost, s.p95() * lat, k));
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return stableTraffic().flatMap(s -> Combinators.combine(
            Arbitraries.oneOf(canaryOf(s, 50, 60_000), nearlyStable(s, 10_000, 60_000)),
            Arbitraries.oneOf(canaryOf(s, 20, 3_000), nearlyStable(s, 300, 3_000)),
            Arbitraries.doubles().between(1, 24).ofScale(2))
        .as((c, rc, h) -> new Scenario(s, c, rc, h)));
  }

  @Provide
  Arbitrary<Better> improvements() {
    return Combinators.combine(
            Arbitraries.doubles().between(0, 1).ofScale(3),
            Arbitraries.doubles().between(0, 1).ofScale(3),
            Arbitraries.doubles().between(0.3, 1).ofScale(3),
            Arbitraries.doubles().between(0.3, 1).ofScale(3))
        .as(Better::new);
  }

  // --------------------------------------------------------------------------------------------------------

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void neverHealthyBelowTheMinimumRequests(@ForAll("stableTraffic") Traffic stable,
      @ForAll("scenarios") Scenario shape) {
    // Canary identical to stable in every rate, so only the sample size can stand between it and HEALTHY.
    Traffic canary = new Traffic(shape.canary().requests() % G.minRequests(), stable.errorRate(), stable.ratedShare(),
        stable.quality(), stable.meanCost(), stable.p95(), stable.periods());
    Scenario s = new Scenario(stable, canary, canary, shape.hours());
    assertThat(judge.rollbackCheck(s.input(null), G).outcome()).isNotEqualTo(Outcome.HEALTHY);
    assertThat(judge.promotionGate(s.input(null), G).outcome()).isNotEqualTo(Outcome.HEALTHY);
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void neverHealthyBelowTheMinimumQualitySamples(@ForAll("stableTraffic") Traffic stable,
      @ForAll("scenarios") Scenario shape) {
    long requests = 50_000;
    double share = (shape.canary().requests() % G.minQualitySamples()) / (double) requests;
    Traffic canary = new Traffic(requests, stable.errorRate(), share, stable.quality(), stable.meanCost(),
        stable.p95(), stable.periods());
    Scenario s = new Scenario(stable, canary, canary, shape.hours());
    assertThat(judge.rollbackCheck(s.input(null), G).outcome()).isNotEqualTo(Outcome.HEALTHY);
    assertThat(judge.promotionGate(s.input(null), G).outcome()).isNotEqualTo(Outcome.HEALTHY);
  }

  /**
   * Swapping in a better canary never produces a regression the worse one did not have; in particular it never
   * turns HEALTHY into REGRESSION. Coverage checks keep the property from passing vacuously.
   */
  @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
  @StatisticsReport(onFailureOnly = true)
  void aBetterCanaryNeverRegressesWhereTheWorseOneDidNot(@ForAll("scenarios") Scenario s,
      @ForAll("improvements") Better better) {
    for (boolean gate : new boolean[] {false, true}) {
      Verdict worse = gate ? judge.promotionGate(s.input(null), G) : judge.rollbackCheck(s.input(null), G);
      Verdict improved = gate ? judge.promotionGate(s.input(better), G) : judge.rollbackCheck(s.input(better), G);
      Statistics.label(gate ? "gate" : "rollback").collect(worse.outcome());
      if (improved.outcome() == Outcome.REGRESSION) {
        assertThat(worse.outcome()).as("%s%n-> %s", worse.table(), improved.table()).isEqualTo(Outcome.REGRESSION);
      }
      if (worse.outcome() == Outcome.HEALTHY) {
        assertThat(improved.outcome()).isNotEqualTo(Outcome.REGRESSION);
      }
    }
    Statistics.label("rollback").coverage(c -> {
      c.check(Outcome.REGRESSION).percentage(p -> p > 3);
      c.check(Outcome.HEALTHY).percentage(p -> p > 1);
    });
    Statistics.label("gate").coverage(c -> {
      c.check(Outcome.REGRESSION).percentage(p -> p > 3);
      c.check(Outcome.HEALTHY).percentage(p -> p > 1);
    });
  }

  @Provide
  Arbitrary<VersionStats> anyStats() {
    Arbitrary<Long> counts = Arbitraries.oneOf(Arbitraries.longs().between(0, 2_000),
        Arbitraries.longs().between(0, Long.MAX_VALUE));
    Arbitrary<Double> sums = Arbitraries.oneOf(Arbitraries.doubles().between(0, 1e6),
        Arbitraries.of(0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE, 1e300, -1.0));
    Arbitrary<List<Double>> series = Arbitraries.oneOf(Arbitraries.doubles().between(0, 1e5),
        Arbitraries.of(Double.NaN, 0.0, Double.POSITIVE_INFINITY)).list().ofMaxSize(40);
    return Combinators.combine(counts, counts, sums, counts, sums, sums, series).as(VersionStats::new);
  }

  @Property(tries = 1000)
  void anyNonNegativeCountsGiveAVerdictWithoutExceptionOrNaN(@ForAll("anyStats") VersionStats s1,
      @ForAll("anyStats") VersionStats c1, @ForAll("anyStats") VersionStats s2, @ForAll("anyStats") VersionStats c2) {
    JudgeInput in = new JudgeInput(new WindowStats(T0, T0.plusSeconds(7200), s1, c1),
        new WindowStats(T0.plusSeconds(3600), T0.plusSeconds(7200), s2, c2));
    for (CanaryPolicy p : List.of(judge, new NaiveSeedPolicy())) {
      for (Verdict v : List.of(p.rollbackCheck(in, G), p.promotionGate(in, G))) {
        assertThat(v.outcome()).isNotNull();
        assertThat(v.rows()).extracting(MetricRow::metric).as(p.name()).containsExactlyElementsOf(p == judge
            ? SequentialJudge.rowsOf(in.stage())
            : List.of(Metric.QUALITY, Metric.LATENCY, Metric.COST, Metric.ERROR_RATE));
        assertThat(v.reason()).isNotBlank().doesNotContain("NaN");
        assertThat(v.table()).isNotBlank();
        for (MetricRow r : v.rows()) {
          assertThat(r.detail()).doesNotContain("NaN");
          boolean ceiling = r.detail().contains("hard ceiling");
          if (Double.isNaN(r.canary()) || (Double.isNaN(r.stable()) && !ceiling)) {
            assertThat(r.result()).as("%s: %s", p.name(), r).isEqualTo(Outcome.INCONCLUSIVE);
          }
        }
      }
    }
  }
}
