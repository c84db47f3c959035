package io.llmcanary.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What CloudWatch Logs would make of a function's stdout under {@code LogFormat: JSON}. Lambda passes a line that is a
 * JSON object through as it is, and CloudWatch extracts metrics only from a line that is an Embedded Metric Format
 * object itself: {@code _aws.Timestamp}, {@code _aws.CloudWatchMetrics[].Namespace/Dimensions/Metrics}, with every
 * dimension and metric a top-level member. A line wrapped by a logger ({@code {"message": "{\"_aws\"..."}}) or
 * prefixed with text is lost to metrics. Each check answers the offending lines with the reason, empty when clean.
 */
public final class LogLines {

  /** Trailing text after the object makes the line something else than a JSON object (CloudWatch reads it as text). */
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private LogLines() {}

  /** The line as a JSON object, if it is one (and nothing else on the line). */
  public static Optional<JsonNode> object(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Lines that are not a JSON object (structured logs are JSON lines, one object each). */
  public static List<String> notJsonObjects(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).filter(l -> object(l).isEmpty()).toList();
  }

  /** The lines that are EMF objects, parsed. */
  public static List<JsonNode> emf(List<String> lines) {
    return lines.stream().map(LogLines::object).flatMap(Optional::stream).filter(n -> n.path("_aws").isObject()).toList();
  }

  /**
   * Every line that mentions EMF ({@code CloudWatchMetrics}) but would not be extracted as metrics, with the reason:
   * not a bare JSON object, or a malformed {@code _aws} block, or a dimension or metric missing at the top level.
   */
  public static List<String> emfViolations(List<String> lines) {
    List<String> bad = new ArrayList<>();
    for (String line : lines) {
      if (!line.contains("CloudWatchMetrics")) {
        continue;
      }
      Optional<JsonNode> o = object(line);
      if (o.isEmpty()) {
        bad.add("not a bare JSON object: " + line);
        continue;
      }
      JsonNode aws = o.get().path("_aws");
      if (!aws.isObject()) {
        bad.add("no top-level _aws (wrapped?): " + line);
        continue;
      }
      if (!aws.path("Timestamp").isIntegralNumber()) {
        bad.add("_aws.Timestamp is not epoch milliseconds: " + line);
      }
      JsonNode directives = aws.path("CloudWatchMetrics");
      if (!directives.isArray() || directives.isEmpty()) {
        bad.add("_aws.CloudWatchMetrics is not a non-empty array: " + line);
        continue;
      }
      for (JsonNode d : directives) {
        if (!d.path("Namespace").isTextual() || d.path("Namespace").asText().isEmpty()) {
          bad.add("a directive without Namespace: " + line);
        }
        for (JsonNode set : d.path("Dimensions")) {
          for (JsonNode dim : set) {
            if (!o.get().path(dim.asText()).isTextual()) {
              bad.add("dimension " + dim.asText() + " is not a top-level string: " + line);
            }
          }
        }
        if (!d.path("Metrics").isArray() || d.path("Metrics").isEmpty()) {
          bad.add("a directive without Metrics: " + line);
        }
        for (JsonNode m : d.path("Metrics")) {
          JsonNode v = o.get().path(m.path("Name").asText());
          if (!(v.isNumber() || v.isArray() && !v.isEmpty() && v.get(0).isNumber())) {
            bad.add("metric " + m.path("Name").asText() + " has no top-level number: " + line);
          }
        }
      }
    }
    return bad;
  }

  /** Lines that contain {@code text} anywhere (for values that must never be logged). */
  public static List<String> containing(List<String> lines, String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }
}
