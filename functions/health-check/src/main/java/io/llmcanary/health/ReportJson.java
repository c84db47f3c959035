package io.llmcanary.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmcanary.codec.Json;
import io.llmcanary.core.health.HealthCheckReport;
import io.llmcanary.core.health.RolloutCheck;
import io.llmcanary.core.rollback.Reconciler;
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
    if (report.reconcile() != null) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("result", report.reconcile().getClass().getSimpleName());
      r.put("summary", report.reconcile().summary());
      m.put("reconcile", r);
    }
    Map<String, Object> signals = new LinkedHashMap<>();
    for (HealthCheckReport.Signal s : HealthCheckReport.Signal.values()) {
      signals.put(s.metricName(), report.count(s));
    }
    m.put("signals", signals);
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

  /**
   * The run's own signals as one CloudWatch EMF line (namespace {@code <metrics namespace>/HealthCheck}, no
   * dimensions): rollouts judged, rollouts that could not be judged, rollback steps that failed and stay owed,
   * drift corrected by the reconciler. The template's alarms page on them: a running rollout not judged for an
   * hour, and any failed rollback step.
   */
  static String emf(HealthCheckReport report, String namespace) {
    Map<String, Object> metricsDirective = new LinkedHashMap<>();
    List<Map<String, Object>> metrics = new ArrayList<>();
    Map<String, Object> m = new LinkedHashMap<>();
    for (HealthCheckReport.Signal s : HealthCheckReport.Signal.values()) {
      metrics.add(Map.of("Name", s.metricName(), "Unit", "Count"));
    }
    metricsDirective.put("Namespace", namespace(namespace));
    metricsDirective.put("Dimensions", List.of(List.of()));
    metricsDirective.put("Metrics", metrics);
    m.put("_aws", Map.of("Timestamp", report.at().toEpochMilli(), "CloudWatchMetrics", List.of(metricsDirective)));
    for (HealthCheckReport.Signal s : HealthCheckReport.Signal.values()) {
      m.put(s.metricName(), report.count(s));
    }
    if (report.reconcile() != null) {
      m.put("reconcile", report.reconcile().summary());
    }
    return write(m);
  }

  /** The namespace of the health check's own metrics, beside the proxy's. */
  static String namespace(String metricsNamespace) {
    String base = metricsNamespace == null || metricsNamespace.isBlank() ? "LlmCanary" : metricsNamespace;
    return base + "/HealthCheck";
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
    if (report.reconcile() != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timestamp", report.at().toString());
      m.put("level", switch (report.reconcile()) {
        case Reconciler.Result.InSync in -> "INFO";
        case Reconciler.Result.Corrected c -> "WARN";
        case Reconciler.Result.Failed f -> "ERROR";
      });
      m.put("service", "health-check");
      if (requestId != null) {
        m.put("requestId", requestId);
      }
      m.put("message", "reconcile: " + report.reconcile().summary());
      lines.add(write(m));
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
