package io.llmcanary.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.RolloutConfigValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the rollout config document. Reading checks, in order: JSON syntax, the JSON Schema
 * that AppConfig also validates with ({@code infrastructure/appconfig/rollout-config.schema.json}), and the
 * cross-field rules of {@link RolloutConfigValidator}. Every error names the field and the rule.
 */
public final class RolloutConfigCodec {

  public static final String SCHEMA_RESOURCE = "/rollout-config.schema.json";

  private static final JsonSchema SCHEMA = loadSchema();

  private RolloutConfigCodec() {}

  /** The outcome of reading a config: a valid config, or every reason it is refused. */
  public sealed interface Parsed {
    record Valid(RolloutConfig config) implements Parsed {}

    record Invalid(List<ConfigError> errors) implements Parsed {
      public String summary() {
        return errors.stream().map(ConfigError::toString).reduce((a, b) -> a + "; " + b).orElse("invalid");
      }
    }
  }

  public static Parsed parse(String json) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return new Parsed.Invalid(List.of(new ConfigError("$", "json",
          "not valid JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
              + ": " + e.getOriginalMessage())));
    }
    if (node == null || node.isMissingNode()) {
      return new Parsed.Invalid(List.of(new ConfigError("$", "json", "the config is empty")));
    }
    return parse(node);
  }

  public static Parsed parse(JsonNode node) {
    Set<ValidationMessage> messages = SCHEMA.validate(node);
    if (!messages.isEmpty()) {
      List<ConfigError> errors = new ArrayList<>();
      for (ValidationMessage m : messages) {
        errors.add(new ConfigError(field(m), m.getType(), m.getMessage()));
      }
      errors.sort(Comparator.comparing(ConfigError::field).thenComparing(ConfigError::rule));
      return new Parsed.Invalid(List.copyOf(errors));
    }
    RolloutConfig config;
    try {
      config = Json.MAPPER.treeToValue(withGuardrailDefaults((ObjectNode) node), RolloutConfig.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new Parsed.Invalid(List.of(new ConfigError("$", "model", "cannot read the config: " + e.getMessage())));
    }
    List<ConfigError> errors = RolloutConfigValidator.validate(config);
    return errors.isEmpty() ? new Parsed.Valid(config) : new Parsed.Invalid(errors);
  }

  /** Parses a config that must be valid (tests, embedded defaults); throws with every error otherwise. */
  public static RolloutConfig parseOrThrow(String json) {
    return switch (parse(json)) {
      case Parsed.Valid v -> v.config();
      case Parsed.Invalid i -> throw new IllegalArgumentException("invalid rollout config: " + i.summary());
    };
  }

  public static String write(RolloutConfig config) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write rollout config", e);
    }
  }

  /** Guardrails given in part keep the defaults for the rest (a record would otherwise read them as 0). */
  private static ObjectNode withGuardrailDefaults(ObjectNode node) {
    ObjectNode copy = node.deepCopy();
    ObjectNode merged = Json.MAPPER.valueToTree(Guardrails.defaults());
    JsonNode given = copy.get("guardrails");
    if (given instanceof ObjectNode g) {
      merged.setAll(g);
    }
    copy.set("guardrails", merged);
    return copy;
  }

  /** "$.versions.canary.maxTokens" → "versions.canary.maxTokens"; a missing property is named itself. */
  private static String field(ValidationMessage m) {
    String path = m.getInstanceLocation().toString();
    if ("required".equals(m.getType()) && m.getProperty() != null) {
      path = path + "." + m.getProperty();
    } else if ("additionalProperties".equals(m.getType()) && m.getProperty() != null) {
      path = path + "." + m.getProperty();
    }
    if (path.startsWith("$.")) {
      return path.substring(2);
    }
    return path.equals("$") ? "$" : path;
  }

  private static JsonSchema loadSchema() {
    try (InputStream in = RolloutConfigCodec.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + SCHEMA_RESOURCE + " missing from the jar");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
