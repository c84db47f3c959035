package io.llmcanary.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.core.config.Guardrails;
import java.util.Map;

/**
 * The judge's guardrails as JSON: the field names of the rollout config's {@code guardrails} object, every field
 * written. Reading keeps the defaults for fields not given, as the config codec does.
 */
public final class GuardrailsJson {

  private GuardrailsJson() {}

  public static ObjectNode write(Guardrails g) {
    return Json.MAPPER.valueToTree(g);
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> toMap(Guardrails g) {
    return Json.MAPPER.convertValue(g, Map.class);
  }

  /**
   * Guardrails from a JSON object, the defaults for what it leaves out; an unknown name or a bad value is an
   * IllegalArgumentException that names it.
   */
  public static Guardrails read(JsonNode node) {
    ObjectNode merged = write(Guardrails.defaults());
    if (node != null && !node.isNull() && !node.isMissingNode()) {
      if (!node.isObject()) {
        throw new IllegalArgumentException("guardrails must be a JSON object");
      }
      java.util.Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!merged.has(name)) {
          throw new IllegalArgumentException("unknown guardrail \"" + name + "\"; the guardrails are: "
              + String.join(", ", (Iterable<String>) merged::fieldNames));
        }
      }
      merged.setAll((ObjectNode) node);
    }
    try {
      return Json.MAPPER.treeToValue(merged, Guardrails.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot read the guardrails: " + e.getOriginalMessage(), e);
    }
  }
}
