package io.llmcanary.codec;

import io.llmcanary.core.metrics.RequestMetrics;
import java.util.List;
import java.util.Map;

/**
 * Every CloudWatch Embedded Metric Format line the functions write, with one string escaper: a {@link RequestMetrics}
 * per request or observation (dimensions {Application, Rollout, Version}), and the count lines of the functions' own
 * signals (fallbacks, judge hand-offs, refused feedback, config errors, judge errors). CloudWatch Logs turns them into
 * metrics with no API call on the request path. Hand-written rather than through Jackson because it runs on every
 * request and must stay far below the proxy's 1 ms budget; {@link EmfParser} reads the request lines back, and a
 * round-trip test holds the two together.
 */
public final class EmfEncoder {

  public static final String DEFAULT_NAMESPACE = "LlmCanary";

  private final String namespace;

  public EmfEncoder(String namespace) {
    this.namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
  }

  public String namespace() {
    return namespace;
  }

  public String encode(RequestMetrics m) {
    StringBuilder b = new StringBuilder(640);
    b.append("{\"_aws\":{\"Timestamp\":").append(m.timestampMillis())
        .append(",\"CloudWatchMetrics\":[{\"Namespace\":");
    str(b, namespace);
    b.append(",\"Dimensions\":[[\"Application\",\"Rollout\",\"Version\"]],\"Metrics\":[");
    boolean observationOnly = m.isObservationOnly();
    boolean first = true;
    if (!observationOnly) {
      b.append("{\"Name\":\"Requests\",\"Unit\":\"Count\"},")
          .append("{\"Name\":\"Errors\",\"Unit\":\"Count\"},")
          .append("{\"Name\":\"CheckFailures\",\"Unit\":\"Count\"},")
          .append("{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},")
          .append("{\"Name\":\"InputTokens\",\"Unit\":\"Count\"},")
          .append("{\"Name\":\"OutputTokens\",\"Unit\":\"Count\"},")
          .append("{\"Name\":\"Cost\",\"Unit\":\"None\"}");
      first = false;
    }
    if (m.quality() != null) {
      first = declare(b, first, "Quality");
    }
    if (m.judgeScore() != null) {
      first = declare(b, first, "JudgeScore");
    }
    if (m.preference() != null) {
      first = declare(b, first, "Preference");
      declare(b, first, "PreferenceSquares");
    }
    b.append("]}]},\"Application\":");
    str(b, m.application());
    b.append(",\"Rollout\":");
    str(b, m.rolloutId());
    b.append(",\"Version\":");
    str(b, m.version().wireName());
    if (!observationOnly) {
      b.append(",\"Requests\":1,\"Errors\":").append(m.error() ? 1 : 0)
          .append(",\"CheckFailures\":").append(m.checkFailure() ? 1 : 0)
          .append(",\"Latency\":").append(num(m.latencyMs()))
          .append(",\"InputTokens\":").append(m.inputTokens())
          .append(",\"OutputTokens\":").append(m.outputTokens())
          .append(",\"Cost\":").append(num(m.cost()));
    }
    if (m.quality() != null) {
      b.append(",\"Quality\":").append(num(m.quality()));
    }
    if (m.judgeScore() != null) {
      b.append(",\"JudgeScore\":").append(num(m.judgeScore()));
    }
    if (m.preference() != null) {
      double p = m.preference();
      b.append(",\"Preference\":").append(num(p)).append(",\"PreferenceSquares\":").append(num(p * p));
    }
    if (m.requestId() != null) {
      b.append(",\"requestId\":");
      str(b, m.requestId());
    }
    if (m.model() != null) {
      b.append(",\"model\":");
      str(b, m.model());
    }
    if (m.finishReason() != null) {
      b.append(",\"finishReason\":");
      str(b, m.finishReason());
    }
    return b.append('}').toString();
  }

  private static boolean declare(StringBuilder b, boolean first, String metric) {
    if (!first) {
      b.append(',');
    }
    b.append("{\"Name\":\"").append(metric).append("\",\"Unit\":\"None\"}");
    return false;
  }

  /**
   * One line of counts: each metric in {@code counts} (unit Count) under every dimension set of {@code dimensionSets}
   * (each a list of names from {@code dimensions}), with {@code properties} as plain fields (searchable in Logs
   * Insights, not metrics). Null dimension values are written as {@code null}.
   */
  public String counts(long timestampMillis, List<List<String>> dimensionSets, Map<String, String> dimensions,
      Map<String, Long> counts, Map<String, String> properties) {
    StringBuilder b = new StringBuilder(320);
    b.append("{\"_aws\":{\"Timestamp\":").append(timestampMillis).append(",\"CloudWatchMetrics\":[{\"Namespace\":");
    appendJsonString(b, namespace);
    b.append(",\"Dimensions\":[");
    for (int i = 0; i < dimensionSets.size(); i++) {
      b.append(i == 0 ? "[" : ",[");
      List<String> set = dimensionSets.get(i);
      for (int j = 0; j < set.size(); j++) {
        if (j > 0) {
          b.append(',');
        }
        appendJsonString(b, set.get(j));
      }
      b.append(']');
    }
    b.append("],\"Metrics\":[");
    boolean first = true;
    for (String name : counts.keySet()) {
      b.append(first ? "" : ",").append("{\"Name\":");
      appendJsonString(b, name);
      b.append(",\"Unit\":\"Count\"}");
      first = false;
    }
    b.append("]}]}");
    for (Map.Entry<String, String> d : dimensions.entrySet()) {
      b.append(',');
      appendJsonString(b, d.getKey());
      b.append(':');
      appendJsonString(b, d.getValue());
    }
    for (Map.Entry<String, Long> c : counts.entrySet()) {
      b.append(',');
      appendJsonString(b, c.getKey());
      b.append(':').append(c.getValue());
    }
    for (Map.Entry<String, String> p : properties.entrySet()) {
      if (p.getValue() != null) {
        b.append(',');
        appendJsonString(b, p.getKey());
        b.append(':');
        appendJsonString(b, p.getValue());
      }
    }
    return b.append('}').toString();
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "0";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static void str(StringBuilder b, String s) {
    appendJsonString(b, s);
  }

  /** Appends a JSON string literal (RFC 8259 escaping); null as {@code null}. The one JSON string escaper of the EMF lines. */
  public static void appendJsonString(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
