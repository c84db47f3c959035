package io.llmcanary.core.metrics;

/**
 * Encodes a {@link RequestMetrics} as one CloudWatch Embedded Metric Format line: CloudWatch Logs turns it
 * into metrics with no API call on the request path. Dimensions are {Application, Rollout, Version}.
 * Hand-written rather than through a JSON library because it runs on every request and must stay far below
 * the proxy's 1 ms budget; {@code EmfParser} in the codec module reads it back, and a round-trip test holds
 * the two together.
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

  /** Appends a JSON string literal (RFC 8259 escaping); null as {@code null}. Core's one JSON string writer. */
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
