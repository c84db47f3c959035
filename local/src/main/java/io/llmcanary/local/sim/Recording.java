package io.llmcanary.local.sim;

import io.llmcanary.codec.EmfParser;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.health.RecordedMetrics;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A simulation that leaves what a deployed rollout leaves: the proxies' EMF lines, one per request, rating and
 * grade (as CloudWatch Logs would hold them), and the audit trail. The run then judges exactly those lines, read
 * back through the same EMF parser and in-memory query the local runner uses, so {@code canaryctl replay} on the
 * recording must give the run's own decisions back.
 *
 * <p>Slower than the aggregate simulation (each request becomes a line): for one trial, not for 200.
 */
public final class Recording {

  private final Consumer<String> emfLines;
  private final EmfEncoder encoder = new EmfEncoder(EmfEncoder.DEFAULT_NAMESPACE);
  private final RecordedMetrics metrics = new RecordedMetrics();
  private RolloutStore store;
  private String application;
  private String rolloutId;
  private long lines;

  /** @param emfLines where each EMF line goes (a file, a list) */
  public Recording(Consumer<String> emfLines) {
    this.emfLines = Objects.requireNonNull(emfLines, "emfLines");
  }

  RecordedMetrics metrics() {
    return metrics;
  }

  void attach(RolloutStore rolloutStore, String app, String rollout) {
    this.store = rolloutStore;
    this.application = app;
    this.rolloutId = rollout;
  }

  public String application() {
    return application;
  }

  public String rolloutId() {
    return rolloutId;
  }

  /** The rollout's audit trail, as the run left it. */
  public List<AuditEvent> history() {
    if (store == null) {
      throw new IllegalStateException("the recording has not run");
    }
    return store.history(application, rolloutId);
  }

  public long lines() {
    return lines;
  }

  /**
   * One minute of one version's traffic as the requests behind the aggregate: the errors first, then the answers
   * that failed a check, each request's own latency, the minute's cost shared out; then the ratings and the
   * judge's grades as their own lines (they arrive after the answer). Spread evenly inside the minute.
   */
  void minute(Instant start, Variant version, WindowAccumulator.Minute m) {
    long base = start.toEpochMilli();
    long n = m.requests;
    double[] lat = m.latencies(n);
    double cost = n == 0 ? 0 : m.costSum / n;
    for (int i = 0; i < n; i++) {
      boolean error = i < m.errors;
      boolean checkFailure = !error && i < m.errors + m.checkFailures;
      emit(new RequestMetrics(application, rolloutId, version, "r-" + base + "-" + version + "-" + i, "sim",
          error ? "error" : "stop", base + spread(i, n), error, lat[i], 0, 0, cost, null, checkFailure, null, null));
    }
    for (int i = 0; i < m.qualityCount; i++) {
      emit(RequestMetrics.feedback(application, rolloutId, version, "q-" + base + "-" + i,
          base + spread(i, m.qualityCount), i < m.qualitySum ? 1.0 : 0.0));
    }
    for (int i = 0; i < m.judgeCount; i++) {
      emit(RequestMetrics.judged(application, rolloutId, version, "j-" + base + "-" + i,
          base + spread(i, m.judgeCount), i < m.judgeSum ? 1.0 : 0.0, null));
    }
    // Preferences are 0, ½ or 1: the count, sum and sum of squares give how many of each.
    long halves = Math.round(4 * (m.preferenceSum - m.preferenceSquares));
    long ones = Math.round(m.preferenceSum - halves / 2.0);
    for (int i = 0; i < m.preferenceCount; i++) {
      double p = i < ones ? 1.0 : i < ones + halves ? 0.5 : 0.0;
      emit(RequestMetrics.judged(application, rolloutId, version, "p-" + base + "-" + i,
          base + spread(i, m.preferenceCount), null, p));
    }
  }

  private static long spread(long i, long n) {
    return i * 60_000L / Math.max(1, n);
  }

  private void emit(RequestMetrics m) {
    String line = encoder.encode(m);
    emfLines.accept(line);
    lines++;
    // Judged as read back from the line, exactly as a replay of the log will read it.
    metrics.record(EmfParser.parse(line).orElseThrow(() -> new IllegalStateException("unreadable EMF: " + line)));
  }
}
