package io.llmcanary.core.judge;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic rollouts for measuring policies, simulated as the aggregates CloudWatch would return (counts, sums and
 * per-minute p95s), not as individual requests, so hundreds of multi-day rollouts take seconds.
 *
 * <p>Model (docs/architecture.md#the-operator-surface defaults): Poisson arrivals at {@code rpm} split by the canary share; each request fails
 * with the version's error rate; a successful request is rated with probability {@code feedbackRate}, a rating
 * being 1 with probability = the version's quality (binary ratings: the worst case for the Bhatia–Davis bound);
 * latency log-normal (median 1.2 s, p95 2 s), each minute's p95 taken by nearest rank over that minute's
 * requests; cost per request with mean $0.004 and CV 0.5. Stages 5/25/50% last a day each, checked every 15 min;
 * each check sees the stage's cumulative window and the last hour (clipped to the stage start).
 */
final class RolloutSimulator {

  static final double Z95 = 1.6448536269514722;
  static final double PDF_AT_Z95 = 0.10313564037537128;
  static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  record Truth(double rpm, double feedbackRate, double stableQuality, double canaryQuality, double stableErrorRate,
      double canaryErrorRate, double latencyMedianMs, double latencySigma, double canaryLatencyFactor,
      double costPerRequest, double canaryCostFactor, double costCv) {

    static Truth defaults() {
      return new Truth(100, 0.30, 0.85, 0.85, 0.01, 0.01, 1200, Math.log(2000.0 / 1200.0) / Z95, 1.0, 0.004, 1.0, 0.5);
    }

    Truth withCanaryQuality(double q) {
      return new Truth(rpm, feedbackRate, stableQuality, q, stableErrorRate, canaryErrorRate, latencyMedianMs,
          latencySigma, canaryLatencyFactor, costPerRequest, canaryCostFactor, costCv);
    }

    Truth withCanaryErrorRate(double e) {
      return new Truth(rpm, feedbackRate, stableQuality, canaryQuality, stableErrorRate, e, latencyMedianMs,
          latencySigma, canaryLatencyFactor, costPerRequest, canaryCostFactor, costCv);
    }

    Truth withCanaryLatencyFactor(double f) {
      return new Truth(rpm, feedbackRate, stableQuality, canaryQuality, stableErrorRate, canaryErrorRate,
          latencyMedianMs, latencySigma, f, costPerRequest, canaryCostFactor, costCv);
    }

    Truth withCanaryCostFactor(double f) {
      return new Truth(rpm, feedbackRate, stableQuality, canaryQuality, stableErrorRate, canaryErrorRate,
          latencyMedianMs, latencySigma, canaryLatencyFactor, costPerRequest, f, costCv);
    }
  }

  /** What one policy did over the simulated rollouts. */
  static final class PolicyStats {
    final String policy;
    int trials;
    int rolledBack;
    final List<Integer> delays = new ArrayList<>();
    final Map<String, Integer> rollbackMetric = new LinkedHashMap<>();
    /** Gate outcomes per stage (index 0..stages-1), among rollouts not rolled back before that gate. */
    final List<Map<Outcome, Integer>> gates = new ArrayList<>();

    PolicyStats(String policy, int stages) {
      this.policy = policy;
      for (int i = 0; i < stages; i++) {
        Map<Outcome, Integer> m = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
          m.put(o, 0);
        }
        gates.add(m);
      }
    }

    double rollbackRate() {
      return (double) rolledBack / trials;
    }

    int delayPercentile(double p) {
      if (delays.isEmpty()) {
        return -1;
      }
      int[] d = delays.stream().mapToInt(Integer::intValue).sorted().toArray();
      return d[(int) Math.ceil(p * d.length) - 1];
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT,
          "%-10s rolled back %3d/%d (%.1f%%), delay checks median %d p90 %d, by metric %s, gates %s",
          policy, rolledBack, trials, 100.0 * rollbackRate(), delayPercentile(0.5), delayPercentile(0.9),
          rollbackMetric, gates);
    }
  }

  private final Truth truth;
  private final double[] stages;
  private final int checksPerStage;
  private final Guardrails guardrails;

  RolloutSimulator(Truth truth, double[] stages, int checksPerStage, Guardrails guardrails) {
    this.truth = truth;
    this.stages = stages.clone();
    this.checksPerStage = checksPerStage;
    this.guardrails = guardrails;
  }

  /** Runs {@code trials} rollouts, every policy on the same data; a policy stops at its first rollback. */
  List<PolicyStats> run(List<CanaryPolicy> policies, long seed, int trials) {
    List<PolicyStats> stats = new ArrayList<>();
    for (CanaryPolicy p : policies) {
      stats.add(new PolicyStats(p.name(), stages.length));
    }
    SplittableRandom root = new SplittableRandom(seed);
    for (int t = 0; t < trials; t++) {
      runOne(policies, stats, root.split());
    }
    return stats;
  }

  private void runOne(List<CanaryPolicy> policies, List<PolicyStats> stats, SplittableRandom rng) {
    boolean[] active = new boolean[policies.size()];
    Arrays.fill(active, true);
    int activeCount = policies.size();
    stats.forEach(s -> s.trials++);
    int globalCheck = 0;
    for (int stage = 0; stage < stages.length && activeCount > 0; stage++) {
      double share = stages[stage];
      Instant stageStart = T0.plus(Duration.ofDays(stage));
      Version stable = new Version(truth.rpm() * (1 - share), truth.stableQuality(), truth.stableErrorRate(), 1.0, 1.0);
      Version canary = new Version(truth.rpm() * share, truth.canaryQuality(), truth.canaryErrorRate(),
          truth.canaryLatencyFactor(), truth.canaryCostFactor());
      JudgeInput input = null;
      for (int k = 1; k <= checksPerStage && activeCount > 0; k++) {
        globalCheck++;
        stable.simulateCheck(rng);
        canary.simulateCheck(rng);
        Instant to = stageStart.plus(Duration.ofMinutes(15L * k));
        Instant recentFrom = k >= 4 ? to.minus(Duration.ofHours(1)) : stageStart;
        input = new JudgeInput(
            new WindowStats(stageStart, to, stable.stageStats(rng), canary.stageStats(rng)),
            new WindowStats(recentFrom, to, stable.recentStats(rng), canary.recentStats(rng)));
        for (int i = 0; i < policies.size(); i++) {
          if (!active[i]) {
            continue;
          }
          Verdict v = policies.get(i).rollbackCheck(input, guardrails);
          if (v.outcome() == Outcome.REGRESSION) {
            active[i] = false;
            activeCount--;
            PolicyStats s = stats.get(i);
            s.rolledBack++;
            s.delays.add(globalCheck);
            if (System.getProperty("sim.debug") != null) {
              System.out.println(s.policy + " check " + globalCheck + ": " + v.reason() + "\n" + v.table()
                  + v.rows().stream().map(MetricRow::detail).toList());
            }
            s.rollbackMetric.merge(v.firstRegression().map(r -> r.metric().label()).orElse("?"), 1, Integer::sum);
          }
        }
      }
      if (input != null) {
        for (int i = 0; i < policies.size(); i++) {
          if (active[i]) {
            Verdict gate = policies.get(i).promotionGate(input, guardrails);
            stats.get(i).gates.get(stage).merge(gate.outcome(), 1, Integer::sum);
            if (System.getProperty("sim.debugGate") != null && gate.outcome() != Outcome.HEALTHY) {
              System.out.println(stats.get(i).policy + " gate " + stage + ": " + gate.reason());
            }
          }
        }
      }
    }
  }

  /** One version's running aggregates within a stage. */
  private final class Version {
    final double rpm;
    final double quality;
    final double errorRate;
    final double logMedian;
    final double meanCost;
    long requests;
    long errors;
    long qualityCount;
    long qualitySum;
    double costSum;
    final List<Double> series = new ArrayList<>();
    // The last four checks, for the last-hour window.
    final long[][] ring = new long[4][4];
    final double[] ringCost = new double[4];
    final int[] ringSeries = new int[4];
    int checks;

    Version(double rpm, double quality, double errorRate, double latencyFactor, double costFactor) {
      this.rpm = rpm;
      this.quality = quality;
      this.errorRate = errorRate;
      this.logMedian = Math.log(truth.latencyMedianMs() * latencyFactor);
      this.meanCost = truth.costPerRequest() * costFactor;
    }

    void simulateCheck(SplittableRandom rng) {
      long n = 0;
      int periods = 0;
      for (int minute = 0; minute < 15; minute++) {
        int m = poisson(rpm, rng);
        n += m;
        if (m > 0) {
          series.add(minuteP95(m, rng));
          periods++;
        }
      }
      long e = binomial(n, errorRate, rng);
      long qn = binomial(n - e, truth.feedbackRate(), rng);
      long qs = binomial(qn, quality, rng);
      double cost = n == 0 ? 0 : Math.max(0, n * meanCost + Math.sqrt(n) * truth.costCv() * meanCost * rng.nextGaussian());
      requests += n;
      errors += e;
      qualityCount += qn;
      qualitySum += qs;
      costSum += cost;
      int slot = checks % 4;
      ring[slot] = new long[] {n, e, qn, qs};
      ringCost[slot] = cost;
      ringSeries[slot] = periods;
      checks++;
    }

    VersionStats stageStats(SplittableRandom rng) {
      return new VersionStats(requests, errors, costSum, qualityCount, qualitySum, windowP95(requests, rng), series);
    }

    VersionStats recentStats(SplittableRandom rng) {
      long n = 0;
      long e = 0;
      long qn = 0;
      long qs = 0;
      double cost = 0;
      int periods = 0;
      for (int i = 0; i < Math.min(checks, 4); i++) {
        n += ring[i][0];
        e += ring[i][1];
        qn += ring[i][2];
        qs += ring[i][3];
        cost += ringCost[i];
        periods += ringSeries[i];
      }
      return new VersionStats(n, e, cost, qn, qs, windowP95(n, rng), series.subList(series.size() - periods, series.size()));
    }

    /** A window's p95 over all its requests, by its large-sample distribution. */
    private double windowP95(long n, SplittableRandom rng) {
      if (n == 0) {
        return Double.NaN;
      }
      double se = Math.sqrt(0.95 * 0.05 / n) / PDF_AT_Z95;
      return Math.exp(logMedian + truth.latencySigma() * (Z95 + se * rng.nextGaussian()));
    }

    /** One minute's p95 by nearest rank; exact for few requests, large-sample normal beyond 60. */
    private double minuteP95(int n, SplittableRandom rng) {
      double z;
      if (n <= 60) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
          x[i] = rng.nextGaussian();
        }
        Arrays.sort(x);
        z = x[(int) Math.ceil(0.95 * n) - 1];
      } else {
        z = Z95 + rng.nextGaussian() * Math.sqrt(0.95 * 0.05 / n) / PDF_AT_Z95;
      }
      return Math.exp(logMedian + truth.latencySigma() * z);
    }
  }

  static int poisson(double lambda, SplittableRandom rng) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda < 30) {
      double limit = Math.exp(-lambda);
      double p = rng.nextDouble();
      int k = 0;
      while (p > limit) {
        p *= rng.nextDouble();
        k++;
      }
      return k;
    }
    return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.nextGaussian()));
  }

  static long binomial(long n, double p, SplittableRandom rng) {
    if (n <= 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    if (p > 0.5) {
      return n - binomial(n, 1 - p, rng);
    }
    double mean = n * p;
    if (mean < 25) {
      double r = p / (1 - p);
      double f = Math.exp(n * Math.log1p(-p));
      double u = rng.nextDouble();
      long k = 0;
      while (u > f && k < n) {
        u -= f;
        f *= r * (n - k) / (k + 1);
        k++;
      }
      return k;
    }
    return Math.max(0, Math.min(n, Math.round(mean + Math.sqrt(mean * (1 - p)) * rng.nextGaussian())));
  }
}
