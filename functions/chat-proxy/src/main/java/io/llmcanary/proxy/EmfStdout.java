package io.llmcanary.proxy;

import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.MetricsSink;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.ProxyCounters;
import io.llmcanary.core.qualityjudge.JudgeDispatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout: no AWS API call on the request path. Per request
 * the {@link EmfEncoder} line with dimensions {Application, Rollout, Version}. The counters that are not a
 * version's request metrics go on lines of their own, with dimensions that leave out Version so no reader
 * (CloudWatch, the judge, the local runner's EMF parser) takes them for a version's requests:
 * {@code Fallbacks}/{@code FallbackErrors} and {@code JudgeHandoffs}/{@code JudgeHandoffDrops} (answers handed to the
 * quality judge, and those dropped by its hourly cap or a failed hand-off) by {Application, Rollout},
 * {@code FeedbackRefusals} by {Application, Rollout} and by {Application, Rollout, Reason} (the user as its keyed
 * pseudonym in a property, never the raw id), and {@code ConfigErrors} by {Application}.
 */
public final class EmfStdout implements MetricsSink, ProxyCounters {

  private final EmfEncoder encoder;
  private final Consumer<String> out;

  public EmfStdout(String namespace, Consumer<String> out) {
    this.encoder = new EmfEncoder(namespace);
    this.out = out;
  }

  @Override
  public void record(RequestMetrics metrics) {
    out.accept(encoder.encode(metrics));
  }

  private static final List<List<String>> BY_ROLLOUT = List.of(List.of("Application", "Rollout"));

  @Override
  public void fallback(String application, String rolloutId, String requestId, boolean stableAnswered,
      long timestampMillis) {
    out.accept(encoder.counts(timestampMillis, BY_ROLLOUT, dims(application, rolloutId),
        counts("Fallbacks", 1, "FallbackErrors", stableAnswered ? 0 : 1), props("requestId", requestId)));
  }

  @Override
  public void judgeHandoff(String application, String rolloutId, String requestId, JudgeDispatch.Result result,
      long timestampMillis) {
    boolean sent = result == JudgeDispatch.Result.SENT;
    out.accept(encoder.counts(timestampMillis, BY_ROLLOUT, dims(application, rolloutId),
        counts("JudgeHandoffs", sent ? 1 : 0, "JudgeHandoffDrops", sent ? 0 : 1),
        props("judgeHandoff", result.wireName(), "requestId", requestId)));
  }

  @Override
  public void feedbackRefused(String application, String rolloutId, String requestId, String reason, String user,
      long timestampMillis) {
    Map<String, String> d = dims(application == null ? "none" : application, rolloutId == null ? "none" : rolloutId);
    d.put("Reason", reason);
    out.accept(encoder.counts(timestampMillis,
        List.of(List.of("Application", "Rollout"), List.of("Application", "Rollout", "Reason")), d,
        counts("FeedbackRefusals", 1), props("requestId", requestId, "user", user)));
  }

  /** One ConfigErrors count per failed config read (not per request). */
  public void configEvent(String application, ConfigEvent e, long timestampMillis) {
    if (!e.kind().failure()) {
      return;
    }
    Map<String, String> d = new LinkedHashMap<>();
    d.put("Application", application);
    out.accept(encoder.counts(timestampMillis, List.of(List.of("Application")), d, counts("ConfigErrors", 1),
        props("configErrorKind", e.kind().name().toLowerCase(java.util.Locale.ROOT))));
  }

  private static Map<String, String> dims(String application, String rolloutId) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("Application", application);
    d.put("Rollout", rolloutId);
    return d;
  }

  private static Map<String, Long> counts(Object... nameValue) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], ((Number) nameValue[i + 1]).longValue());
    }
    return m;
  }

  private static Map<String, String> props(String... nameValue) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put(nameValue[i], nameValue[i + 1]);
    }
    return m;
  }
}
