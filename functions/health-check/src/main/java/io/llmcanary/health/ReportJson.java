package io.llmcanary.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmcanary.codec.Json;
import io.llmcanary.core.health.HealthCheckReport;
import io.llmcanary.core.health.RolloutCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The handler's answer and its structured log lines, from a {@link HealthCheckReport}. */
final class ReportJson {

  private ReportJson() {}

  static Map<String, Object> response(HealthCheckReport report) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", report.at().toString());
    List<Map<String, Object>> rollouts = new ArrayList<>();
    for (RolloutCheck c : report.rollouts()) {
      rollouts.add(rollout(c));
    }
    m.put("rollouts", rollouts);
    m.put("failed", report.anyFailed());
    return m;
  }

  static Map<String, Object> rollout(RolloutCheck c) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("application", c.application());
    r.put("rolloutId", c.rolloutId());
    r.put("action", c.action().name());
    r.put("verdict", c.outcome() == null ? null : c.outcome().name());
    r.put("reason", c.reason());
    r.put("steps", c.steps());
    r.put("table", c.table());
    return r;
  }

  /** One JSON line per rollout, in the shape of Powertools' structured logs. */
  static List<String> logLines(HealthCheckReport report, String requestId) {
    List<String> lines = new ArrayList<>();
    for (RolloutCheck c : report.rollouts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timestamp", report.at().toString());
      m.put("level", c.action() == RolloutCheck.Action.FAILED ? "ERROR"
          : c.action() == RolloutCheck.Action.ROLLED_BACK ? "WARN" : "INFO");
      m.put("service", "health-check");
      if (requestId != null) {
        m.put("requestId", requestId);
      }
      m.put("message", c.action() + " " + c.application() + "/" + c.rolloutId()
          + (c.outcome() == null ? "" : " " + c.outcome()) + ": " + c.reason());
      m.putAll(rollout(c));
      lines.add(write(m));
    }
    if (report.rollouts().isEmpty()) {
      lines.add(write(Map.of("timestamp", report.at().toString(), "level", "INFO", "service", "health-check",
          "message", "no active rollout")));
    }
    return lines;
  }

  private static String write(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
