package io.llmcanary.core.judge;

import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-made windows for judge tests: a version described by its rates, turned into CloudWatch-like aggregates. */
final class Fixtures {

  static final Instant STAGE_START = Instant.parse("2026-11-26T00:00:00Z");

  private Fixtures() {}

  /**
   * @param requests    requests served
   * @param errors      failed requests
   * @param meanCost    USD per request
   * @param ratings     quality observations
   * @param meanQuality mean of the ratings
   * @param p95Ms       window p95, and the level of the per-period series
   * @param periods     length of the per-period p95 series
   */
  static VersionStats version(long requests, long errors, double meanCost, long ratings, double meanQuality,
      double p95Ms, int periods) {
    return new VersionStats(requests, errors, meanCost * requests, ratings, meanQuality * ratings, p95Ms,
        series(p95Ms, periods));
  }

  /** A per-period p95 series wobbling ±8% around a level, deterministic. */
  static List<Double> series(double level, int periods) {
    List<Double> s = new ArrayList<>(periods);
    for (int i = 0; i < periods; i++) {
      s.add(level * (1 + 0.08 * Math.sin(i * 1.7)));
    }
    return s;
  }

  /** Stable traffic of the default truth model: 1% errors, $0.004, 30% rated at 0.85, p95 2 s. */
  static VersionStats typical(long requests, int periods) {
    return version(requests, Math.round(requests * 0.01), 0.004, Math.round(requests * 0.3), 0.85, 2000, periods);
  }

  /** A window ending {@code hours} after the stage began. */
  static WindowStats stage(double hours, VersionStats stable, VersionStats canary) {
    Instant to = STAGE_START.plus(Duration.ofMinutes(Math.round(hours * 60)));
    return new WindowStats(STAGE_START, to, stable, canary);
  }

  /** The last hour of a stage that has run {@code hours}. */
  static WindowStats lastHour(double hours, VersionStats stable, VersionStats canary) {
    Instant to = STAGE_START.plus(Duration.ofMinutes(Math.round(hours * 60)));
    Instant from = to.minus(Duration.ofHours(1));
    return new WindowStats(from.isBefore(STAGE_START) ? STAGE_START : from, to, stable, canary);
  }

  /** Same data in both windows: the first hour of a stage. */
  static JudgeInput firstHour(double hours, VersionStats stable, VersionStats canary) {
    return new JudgeInput(stage(hours, stable, canary), lastHour(hours, stable, canary));
  }
}
