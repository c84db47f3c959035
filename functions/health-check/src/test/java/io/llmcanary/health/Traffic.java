package io.llmcanary.health;

import io.llmcanary.codec.EmfParser;
import io.llmcanary.core.config.Variant;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.MetricsSink;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Synthetic requests with a known truth, written as the proxy writes them (EMF lines) and read back through
 * {@link EmfParser}, so the handler tests see metrics the way the deployed function sees CloudWatch's.
 */
final class Traffic {

  /** One version's truth. */
  record Truth(double errorRate, double quality, double latencyMedianMs, double costPerRequest) {
    static Truth stable() {
      return new Truth(0.01, 0.85, 1200, 0.004);
    }

    Truth withErrorRate(double r) {
      return new Truth(r, quality, latencyMedianMs, costPerRequest);
    }

    Truth withQuality(double q) {
      return new Truth(errorRate, q, latencyMedianMs, costPerRequest);
    }
  }

  private final EmfEncoder encoder = new EmfEncoder("LlmCanary");
  private final MetricsSink sink;
  private final SplittableRandom rnd;
  private final String application;
  private final String rolloutId;
  private long count;

  Traffic(MetricsSink sink, long seed, String application, String rolloutId) {
    this.sink = sink;
    this.rnd = new SplittableRandom(seed);
    this.application = application;
    this.rolloutId = rolloutId;
  }

  /** {@code rpm} requests a minute over [from, from + d), {@code canaryPercent} of them on canary. */
  Traffic run(Instant from, Duration d, double rpm, double canaryPercent, Truth stable, Truth canary) {
    long minutes = d.toMinutes();
    for (long m = 0; m < minutes; m++) {
      for (int i = 0; i < rpm; i++) {
        boolean isCanary = rnd.nextDouble() * 100 < canaryPercent;
        Truth t = isCanary ? canary : stable;
        long ts = from.toEpochMilli() + m * 60_000 + rnd.nextLong(60_000);
        boolean error = rnd.nextDouble() < t.errorRate();
        double latency = t.latencyMedianMs() * Math.exp(0.3 * rnd.nextGaussian());
        Double quality = !error && rnd.nextDouble() < 0.3 ? (rnd.nextDouble() < t.quality() ? 1.0 : 0.0) : null;
        RequestMetrics r = new RequestMetrics(application, rolloutId, isCanary ? Variant.CANARY : Variant.STABLE,
            "req-" + (count++), "offline-model", error ? "error" : "stop", ts, error, latency, 300, 200,
            error ? 0 : t.costPerRequest() * (0.8 + 0.4 * rnd.nextDouble()), quality);
        sink.record(EmfParser.parse(encoder.encode(r)).orElseThrow());
      }
    }
    return this;
  }
}
