package io.llmcanary.health;

import io.llmcanary.core.health.HealthCheckRequest;
import java.util.Map;

/**
 * Reads the invocation event. The scheduler sends a fixed document ({@code events/health-check-scheduled.json}:
 * every active rollout); an operator may name one rollout, at the top level or, for an EventBridge event, in
 * {@code detail}: {@code {"application": "support-chat", "rolloutId": "concise-2026-11-26"}}. Anything else in
 * the event is ignored; a field of the wrong type is refused with its name.
 */
final class HealthCheckEvent {

  private HealthCheckEvent() {}

  static HealthCheckRequest parse(Map<String, Object> event) {
    if (event == null) {
      return HealthCheckRequest.all();
    }
    Map<?, ?> source = event;
    if (!event.containsKey("rolloutId") && event.get("detail") instanceof Map<?, ?> detail) {
      source = detail;
    }
    String application = text(source, "application");
    String rolloutId = text(source, "rolloutId");
    if (application != null && rolloutId == null) {
      throw new IllegalArgumentException("event field 'application' is given without 'rolloutId'; name both, or"
          + " neither to check every active rollout");
    }
    return new HealthCheckRequest(application, rolloutId);
  }

  private static String text(Map<?, ?> m, String field) {
    Object v = m.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("event field '" + field + "' must be a string, got " + v);
    }
    return s.isBlank() ? null : s.trim();
  }
}
