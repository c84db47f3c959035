package io.llmcanary.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.qualityjudge.JudgeTask;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link JudgeTask} as the JSON body of one queue message, and back. Holds conversation and answer text: it is
 * written only to the judge's encrypted queue, never to a log.
 */
public final class JudgeTaskCodec {

  private JudgeTaskCodec() {}

  public static String write(JudgeTask t) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("requestId", t.requestId());
    n.put("application", t.application());
    n.put("rolloutId", t.rolloutId());
    n.put("version", t.version().wireName());
    n.set("judge", Json.MAPPER.valueToTree(t.judge()));
    ArrayNode messages = n.putArray("messages");
    for (ChatMessage m : t.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    n.put("answer", t.answer());
    if (t.stable() != null) {
      n.set("stable", Json.MAPPER.valueToTree(t.stable()));
    }
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a judge task", e);
    }
  }

  /** Reads a message body; an unreadable one is an {@link IllegalArgumentException} naming no text. */
  public static JudgeTask read(String body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      List<ChatMessage> messages = new ArrayList<>();
      for (JsonNode m : required(n, "messages")) {
        messages.add(new ChatMessage(required(m, "role").asText(), required(m, "content").asText()));
      }
      VersionSpec stable = n.hasNonNull("stable") ? Json.MAPPER.treeToValue(n.get("stable"), VersionSpec.class) : null;
      return new JudgeTask(required(n, "requestId").asText(), required(n, "application").asText(),
          required(n, "rolloutId").asText(), Variant.fromWireName(required(n, "version").asText()),
          Json.MAPPER.treeToValue(required(n, "judge"), QualityJudgeConfig.class), messages,
          required(n, "answer").asText(), stable);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("not a judge task (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v;
  }
}
