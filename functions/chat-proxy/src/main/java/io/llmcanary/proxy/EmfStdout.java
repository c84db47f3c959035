package io.llmcanary.proxy;

import io.llmcanary.core.metrics.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.MetricsSink;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.ProxyCounters;
import io.llmcanary.core.qualityjudge.JudgeDispatch;
import java.util.function.Consumer;

/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout: no AWS API call on the request path. Per request
 * the core {@link EmfEncoder} line with dimensions {Application, Rollout, Version}. The counters that are not a
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

  @Override
  public void fallback(String application, String rolloutId, String requestId, boolean stableAnswered,
      long timestampMillis) {
    StringBuilder b = head(timestampMillis, "[\"Application\",\"Rollout\"]",
        "{\"Name\":\"Fallbacks\",\"Unit\":\"Count\"},{\"Name\":\"FallbackErrors\",\"Unit\":\"Count\"}");
    b.append(",\"Application\":");
    str(b, application);
    b.append(",\"Rollout\":");
    str(b, rolloutId);
    b.append(",\"Fallbacks\":1,\"FallbackErrors\":").append(stableAnswered ? 0 : 1).append(",\"requestId\":");
    str(b, requestId);
    out.accept(b.append('}').toString());
  }

  @Override
  public void judgeHandoff(String application, String rolloutId, String requestId, JudgeDispatch.Result result,
      long timestampMillis) {
    StringBuilder b = head(timestampMillis, "[\"Application\",\"Rollout\"]",
        "{\"Name\":\"JudgeHandoffs\",\"Unit\":\"Count\"},{\"Name\":\"JudgeHandoffDrops\",\"Unit\":\"Count\"}");
    b.append(",\"Application\":");
    str(b, application);
    b.append(",\"Rollout\":");
    str(b, rolloutId);
    boolean sent = result == JudgeDispatch.Result.SENT;
    b.append(",\"JudgeHandoffs\":").append(sent ? 1 : 0).append(",\"JudgeHandoffDrops\":").append(sent ? 0 : 1)
        .append(",\"judgeHandoff\":");
    str(b, result.wireName());
    b.append(",\"requestId\":");
    str(b, requestId);
    out.accept(b.append('}').toString());
  }

  @Override
  public void feedbackRefused(String application, String rolloutId, String requestId, String reason, String user,
      long timestampMillis) {
    StringBuilder b = head(timestampMillis, "[\"Application\",\"Rollout\"],[\"Application\",\"Rollout\",\"Reason\"]",
        "{\"Name\":\"FeedbackRefusals\",\"Unit\":\"Count\"}");
    b.append(",\"Application\":");
    str(b, application == null ? "none" : application);
    b.append(",\"Rollout\":");
    str(b, rolloutId == null ? "none" : rolloutId);
    b.append(",\"Reason\":");
    str(b, reason);
    b.append(",\"FeedbackRefusals\":1,\"requestId\":");
    str(b, requestId);
    if (user != null) {
      b.append(",\"user\":");
      str(b, user);
    }
    out.accept(b.append('}').toString());
  }

  /** One ConfigErrors count per failed config read (not per request). */
  public void configEvent(String application, ConfigEvent e, long timestampMillis) {
    if (!e.kind().failure()) {
      return;
    }
    StringBuilder b = head(timestampMillis, "[\"Application\"]", "{\"Name\":\"ConfigErrors\",\"Unit\":\"Count\"}");
    b.append(",\"Application\":");
    str(b, application);
    b.append(",\"ConfigErrors\":1,\"configErrorKind\":");
    str(b, e.kind().name().toLowerCase(java.util.Locale.ROOT));
    out.accept(b.append('}').toString());
  }

  private StringBuilder head(long ts, String dimensions, String metrics) {
    StringBuilder b = new StringBuilder(320);
    b.append("{\"_aws\":{\"Timestamp\":").append(ts).append(",\"CloudWatchMetrics\":[{\"Namespace\":");
    str(b, encoder.namespace());
    return b.append(",\"Dimensions\":[").append(dimensions).append("],\"Metrics\":[").append(metrics).append("]}]}");
  }

  private static void str(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }
}
