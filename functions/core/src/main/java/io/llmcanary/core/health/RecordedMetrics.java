package io.llmcanary.core.health;

import io.llmcanary.core.config.Variant;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.metrics.ScoreStats;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.ports.MetricsSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-request metrics kept in memory and read back the way {@code CloudWatchMetricsQuery} reads CloudWatch: per
 * version counts and sums over the stage and over the last hour, p95 over each window and as a series of
 * 5-minute p95s. For the local runner (fed from EMF lines) and handler tests; not for production volumes.
 */
public final class RecordedMetrics implements MetricsSink, MetricsQuery {

  public static final Duration SERIES_PERIOD = Duration.ofMinutes(5);
  public static final Duration RECENT = Duration.ofHours(1);

  // Kept in time order (sorted when a read finds a late arrival), so a window is a binary search and a scan of
  // that window only: a replay reads hundreds of windows over a whole rollout's requests.
  private final List<RequestMetrics> records = new ArrayList<>();
  private boolean ordered = true;

  @Override
  public synchronized void record(RequestMetrics metrics) {
    if (!records.isEmpty() && metrics.timestampMillis() < records.get(records.size() - 1).timestampMillis()) {
      ordered = false;
    }
    records.add(metrics);
  }

  public synchronized int size() {
    return records.size();
  }

  @Override
  public JudgeInput fetch(String application, String rolloutId, Instant stageStartedAt, Instant now) {
    WindowStats stage = window(application, rolloutId, stageStartedAt, now);
    Instant recentStart = now.minus(RECENT);
    if (!recentStart.isAfter(stageStartedAt)) {
      return new JudgeInput(stage, stage);
    }
    return new JudgeInput(stage, window(application, rolloutId, recentStart, now));
  }

  private WindowStats window(String application, String rolloutId, Instant from, Instant to) {
    return new WindowStats(from, to, stats(application, rolloutId, Variant.STABLE, from, to),
        stats(application, rolloutId, Variant.CANARY, from, to));
  }

  private synchronized VersionStats stats(String application, String rolloutId, Variant v, Instant from,
      Instant to) {
    if (!ordered) {
      records.sort(Comparator.comparingLong(RequestMetrics::timestampMillis)); // stable: same-ms order kept
      ordered = true;
    }
    long fromMs = from.toEpochMilli();
    long toMs = to.toEpochMilli();
    long requests = 0;
    long errors = 0;
    double cost = 0;
    long qn = 0;
    double qs = 0;
    long checkFailures = 0;
    ScoreStats judge = ScoreStats.EMPTY;
    ScoreStats preference = ScoreStats.EMPTY;
    List<Double> latencies = new ArrayList<>();
    Map<Long, List<Double>> periods = new TreeMap<>();
    long period = SERIES_PERIOD.toMillis();
    for (int i = firstAtOrAfter(fromMs); i < records.size(); i++) {
      RequestMetrics m = records.get(i);
      if (m.timestampMillis() >= toMs) {
        break;
      }
      if (m.version() != v || !rolloutId.equals(m.rolloutId()) || !application.equals(m.application())
          || m.timestampMillis() < fromMs || m.timestampMillis() >= toMs) {
        continue;
      }
      if (m.quality() != null) {
        qn++;
        qs += m.quality();
      }
      if (m.judgeScore() != null) {
        judge = judge.plus(m.judgeScore());
      }
      if (m.preference() != null) {
        preference = preference.plus(m.preference());
      }
      if (m.isObservationOnly()) {
        continue;
      }
      requests++;
      if (m.checkFailure()) {
        checkFailures++;
      }
      if (m.error()) {
        errors++;
      }
      if (Double.isFinite(m.cost())) {
        cost += m.cost();
      }
      if (Double.isFinite(m.latencyMs())) {
        latencies.add(m.latencyMs());
        periods.computeIfAbsent(Math.floorDiv(m.timestampMillis(), period), k -> new ArrayList<>())
            .add(m.latencyMs());
      }
    }
    List<Double> series = new ArrayList<>(periods.size());
    for (List<Double> p : periods.values()) {
      series.add(p95(p));
    }
    return new VersionStats(requests, errors, cost, qn, qs, latencies.isEmpty() ? Double.NaN : p95(latencies),
        series, checkFailures, judge, preference);
  }

  private int firstAtOrAfter(long ms) {
    int lo = 0;
    int hi = records.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (records.get(mid).timestampMillis() < ms) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Nearest-rank p95. */
  static double p95(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int rank = (int) Math.ceil(0.95 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
