package io.llmcanary.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.metrics.RequestMetrics;
import java.util.Optional;

/**
 * Reads an EMF line written by {@link io.llmcanary.codec.EmfEncoder} back into a {@link RequestMetrics}:
 * the local runner's in-process metrics are read back from the very lines the proxy prints, so local runs
 * exercise the same path as CloudWatch. Lines that are not our EMF (ordinary logs) give empty.
 */
public final class EmfParser {

  private EmfParser() {}

  public static Optional<RequestMetrics> parse(String line) {
    if (line == null || !line.startsWith("{\"_aws\"")) {
      return Optional.empty();
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    JsonNode aws = n.get("_aws");
    if (aws == null || !n.hasNonNull("Version") || !n.hasNonNull("Rollout")) {
      return Optional.empty();
    }
    Variant version;
    try {
      version = Variant.fromWireName(n.get("Version").asText());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Double quality = number(n, "Quality");
    boolean feedbackOnly = !n.has("Requests");
    return Optional.of(new RequestMetrics(
        text(n, "Application"), text(n, "Rollout"), version, text(n, "requestId"), text(n, "model"),
        text(n, "finishReason"), aws.path("Timestamp").asLong(),
        n.path("Errors").asLong(0) > 0,
        feedbackOnly ? Double.NaN : n.path("Latency").asDouble(),
        n.path("InputTokens").asLong(0), n.path("OutputTokens").asLong(0),
        feedbackOnly ? Double.NaN : n.path("Cost").asDouble(), quality,
        n.path("CheckFailures").asLong(0) > 0, number(n, "JudgeScore"), number(n, "Preference")));
  }

  private static Double number(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asDouble() : null;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
