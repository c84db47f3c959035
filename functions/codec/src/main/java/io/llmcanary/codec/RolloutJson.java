package io.llmcanary.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rollout and its audit events as their JSON reads everywhere they are shown: the API's {@code GET /rollouts},
 * {@code GET /rollouts/{id}} and its history, and {@code canaryctl status/start/history --json} on local state. One
 * field list each, so a script written against one reads the other, and {@code canaryctl replay --history} reads
 * back what either printed.
 */
public final class RolloutJson {

  private RolloutJson() {}

  /** The rollout's fields in a fresh, ordered map the caller may add to. */
  public static Map<String, Object> summary(RolloutState st) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("application", st.application());
    out.put("rolloutId", st.rolloutId());
    out.put("status", st.status().name());
    out.put("ended", st.status().isTerminal());
    out.put("description", RolloutStateMachine.describe(st));
    out.put("stage", st.stageIndex() + 1);
    out.put("stages", st.plan().percents());
    out.put("canaryPercent", st.canaryPercent());
    out.put("startedAt", String.valueOf(st.createdAt()));
    out.put("stageStartedAt", String.valueOf(st.stageStartedAt()));
    out.put("updatedAt", String.valueOf(st.updatedAt()));
    return out;
  }

  /**
   * An audit event: {@code at, actor, type, from, to, stage} (1-based){@code , reason}, then {@code outcome} on a
   * health check's run or a gate and {@code table} when a comparison table is behind it.
   */
  public static Map<String, Object> event(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", String.valueOf(e.at()));
    m.put("actor", e.actor());
    m.put("type", e.type());
    m.put("from", String.valueOf(e.fromStatus()));
    m.put("to", String.valueOf(e.toStatus()));
    m.put("stage", e.stageIndex() + 1);
    m.put("reason", e.reason());
    if (e.outcome() != null) {
      m.put("outcome", e.outcome().name());
    }
    if (e.table() != null) {
      m.put("table", e.table());
    }
    return m;
  }

  /**
   * An audit event read back from {@link #event}'s shape.
   *
   * @throws IllegalArgumentException naming the field that cannot be read
   */
  public static AuditEvent eventFrom(String application, String rolloutId, JsonNode n) {
    Instant at;
    try {
      at = Instant.parse(n.path("at").asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("an audit event's \"at\" is not an ISO-8601 instant: " + n.path("at").asText());
    }
    return new AuditEvent(application, rolloutId, at, n.path("actor").asText(null), n.path("type").asText(),
        status(n.path("from").asText()), status(n.path("to").asText()), n.path("stage").asInt(1) - 1,
        n.path("reason").asText(null), n.path("table").isTextual() ? n.path("table").asText() : null,
        outcome(n.path("outcome")));
  }

  private static RolloutStatus status(String s) {
    if (s == null || s.isBlank() || s.equals("null")) {
      return null;
    }
    try {
      return RolloutStatus.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an audit event names an unknown status \"" + s + "\"");
    }
  }

  private static Outcome outcome(JsonNode n) {
    if (!n.isTextual()) {
      return null;
    }
    try {
      return Outcome.valueOf(n.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an audit event names an unknown outcome \"" + n.asText() + "\"");
    }
  }
}
