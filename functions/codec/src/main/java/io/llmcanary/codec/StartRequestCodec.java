package io.llmcanary.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.promotion.ConfigCheck;
import io.llmcanary.core.promotion.StartRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what an operator gives to start a rollout ({@code canaryctl start --canary VERSION.json}, the
 * API route, the promotion function's {@code start} action): either a version object as it would stand under
 * {@code versions.canary}, or an envelope {@code {"canary": {...}, "pricing": {...}, "stages": [...], "rolloutId": "..."}}.
 *
 * <p>The check it returns validates the candidate config with the JSON Schema AppConfig uses, on the canary
 * version exactly as written, so a misspelt field is named ({@code versions.canary.systemPromt}) instead of
 * being dropped on the way into a record.
 */
public final class StartRequestCodec {

  private static final Set<String> ENVELOPE = Set.of("canary", "pricing", "stages", "rolloutId", "application", "reason");

  private StartRequestCodec() {}

  /** A start request and the check for its candidate config, or every reason the document is refused. */
  public sealed interface Read {
    record Ok(StartRequest request, ConfigCheck check) implements Read {}

    record Invalid(List<ConfigError> errors) implements Read {
      public String summary() {
        return errors.stream().map(ConfigError::toString).reduce((a, b) -> a + "; " + b).orElse("invalid");
      }
    }
  }

  /**
   * @param doc         the version object or envelope
   * @param rolloutId   the rollout id when given outside the document (wins over the envelope's), else null
   * @param application the application when given outside the document, else null
   */
  public static Read read(JsonNode doc, String rolloutId, String application, String actor, String reason) {
    if (doc == null || !doc.isObject()) {
      return invalid("$", "type", "the canary version must be a JSON object");
    }
    JsonNode canaryNode = doc;
    List<ConfigError> errors = new ArrayList<>();
    Map<String, ModelPrice> pricing = Map.of();
    List<Double> stages = null;
    String id = rolloutId;
    String app = application;
    String why = reason;
    if (doc.has("canary")) {
      canaryNode = doc.get("canary");
      doc.fieldNames().forEachRemaining(f -> {
        if (!ENVELOPE.contains(f)) {
          errors.add(new ConfigError(f, "additionalProperties", "unknown field '" + f + "'; an envelope holds "
              + ENVELOPE.stream().sorted().toList()));
        }
      });
      try {
        if (doc.hasNonNull("pricing")) {
          pricing = new LinkedHashMap<>();
          for (var e : doc.get("pricing").properties()) {
            pricing.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), ModelPrice.class));
          }
        }
        if (doc.hasNonNull("stages")) {
          stages = List.of(Json.MAPPER.treeToValue(doc.get("stages"), Double[].class));
        }
      } catch (JsonProcessingException | IllegalArgumentException e) {
        errors.add(new ConfigError("$", "type", "cannot read the envelope: " + e.getMessage()));
      }
      id = id != null ? id : text(doc, "rolloutId");
      app = app != null ? app : text(doc, "application");
      why = why != null ? why : text(doc, "reason");
    }
    if (canaryNode == null || !canaryNode.isObject()) {
      errors.add(new ConfigError("canary", "type", "the canary version must be a JSON object"));
    }
    if (!errors.isEmpty()) {
      return new Read.Invalid(List.copyOf(errors));
    }
    VersionSpec canary;
    try {
      canary = Json.MAPPER.treeToValue(canaryNode, VersionSpec.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // the schema check names the field; this only happens when a value has the wrong JSON type
      canary = null;
    }
    JsonNode raw = canaryNode.deepCopy();
    ConfigCheck check = candidate -> check(candidate, raw);
    if (canary == null) {
      canary = new VersionSpec(text(canaryNode, "model"), null, "", null, null, 1);
    }
    return new Read.Ok(new StartRequest(app, id, canary, pricing, stages, actor, why), check);
  }

  /** Schema and rules of the candidate, with the canary version as the operator wrote it. */
  static List<ConfigError> check(RolloutConfig candidate, JsonNode rawCanary) {
    ObjectNode doc = Json.MAPPER.valueToTree(candidate);
    ((ObjectNode) doc.get("versions")).set("canary", rawCanary);
    return switch (RolloutConfigCodec.parse(doc)) {
      case RolloutConfigCodec.Parsed.Valid v -> List.of();
      case RolloutConfigCodec.Parsed.Invalid i -> i.errors();
    };
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Read invalid(String field, String rule, String message) {
    return new Read.Invalid(List.of(new ConfigError(field, rule, message)));
  }
}
