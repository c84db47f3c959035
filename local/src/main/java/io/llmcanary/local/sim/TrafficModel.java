package io.llmcanary.local.sim;

import java.util.SplittableRandom;

/**
 * Synthetic traffic in aggregate, one minute at a time: request counts with a daily cycle, each version's
 * errors, quality observations and cost drawn as counts and sums (what CloudWatch would hold), and latency
 * drawn per request so per-minute p95s are real order statistics.
 *
 * <p>Aggregate draws (binomials, a normal sum for cost) instead of per-request handler calls: this is what
 * lets 200 trials of a 4-day rollout run in seconds; per-request handler behaviour is tested elsewhere.
 */
public final class TrafficModel {

  /** Coefficient of variation of one request's cost (token counts vary between requests). */
  static final double COST_CV = 0.5;

  private final double requestsPerMinute;
  private final double dailyAmplitude;

  /**
   * @param requestsPerMinute mean request rate over a day, both versions together
   * @param dailyAmplitude    0 for flat traffic; 0.5 makes the peak 1.5× and the trough 0.5× the mean
   */
  public TrafficModel(double requestsPerMinute, double dailyAmplitude) {
    this.requestsPerMinute = requestsPerMinute;
    this.dailyAmplitude = dailyAmplitude;
  }

  public double requestsPerMinute() {
    return requestsPerMinute;
  }

  /** The mean rate at a minute of the day (0..1439): low at night, peaking mid-afternoon. */
  double rateAt(long minuteOfDay) {
    return requestsPerMinute * (1 + dailyAmplitude * Math.sin(2 * Math.PI * (minuteOfDay - 540) / 1440.0));
  }

  /** Draws one minute of traffic into the two accumulators. */
  void minute(long minuteOfDay, double canaryShare, VersionTruth stable, VersionTruth canary, SplittableRandom rnd,
      WindowAccumulator.Minute stableOut, WindowAccumulator.Minute canaryOut) {
    minute(minuteOfDay, canaryShare, stable, canary, SimulatedJudge.OFF, new long[] {0}, rnd, stableOut, canaryOut);
  }

  /** One minute of traffic, and what the quality judge makes of its sampled answers ({@code budget}: room left). */
  void minute(long minuteOfDay, double canaryShare, VersionTruth stable, VersionTruth canary, SimulatedJudge judge,
      long[] budget, SplittableRandom rnd, WindowAccumulator.Minute stableOut, WindowAccumulator.Minute canaryOut) {
    long n = poisson(rateAt(minuteOfDay), rnd);
    long nc = binomial(n, canaryShare, rnd);
    draw(n - nc, stable, rnd, stableOut);
    draw(nc, canary, rnd, canaryOut);
    judge.minute(stableOut.requests - stableOut.errors, canaryOut.requests - canaryOut.errors, canaryShare, stable,
        canary, rnd, stableOut, canaryOut, budget);
  }

  private static void draw(long n, VersionTruth t, SplittableRandom rnd, WindowAccumulator.Minute out) {
    out.requests = n;
    if (n == 0) {
      return;
    }
    out.errors = binomial(n, t.errorRate(), rnd);
    long ok = n - out.errors;
    out.qualityCount = binomial(ok, t.qualityObserved(), rnd);
    out.qualitySum = binomial(out.qualityCount, t.quality(), rnd);
    out.checkFailures = binomial(ok, t.checkFailureRate(), rnd);
    double mean = t.meanCost();
    out.costSum = Math.max(0, n * mean + Math.sqrt(n) * mean * COST_CV * rnd.nextGaussian());
    double[] lat = out.latencies(n);
    double mu = Math.log(t.latencyMedianMs());
    for (int i = 0; i < n; i++) {
      lat[i] = Math.exp(mu + t.latencySigma() * rnd.nextGaussian());
    }
  }

  static long poisson(double lambda, SplittableRandom rnd) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda < 30) {
      double l = Math.exp(-lambda);
      long k = 0;
      double p = 1;
      do {
        k++;
        p *= rnd.nextDouble();
      } while (p > l);
      return k - 1;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rnd.nextGaussian()));
  }

  static long binomial(long n, double p, SplittableRandom rnd) {
    if (n <= 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    double var = n * p * (1 - p);
    if (n < 64 || var < 25) {
      long k = 0;
      for (long i = 0; i < n; i++) {
        if (rnd.nextDouble() < p) {
          k++;
        }
      }
      return k;
    }
    long k = Math.round(n * p + Math.sqrt(var) * rnd.nextGaussian());
    return Math.min(n, Math.max(0, k));
  }
}
