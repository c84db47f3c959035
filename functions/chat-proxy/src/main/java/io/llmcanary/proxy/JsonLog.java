package io.llmcanary.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.llmcanary.codec.Json;
import io.llmcanary.core.proxy.ApiError;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.RequestTrace;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Structured JSON log lines, one per request and one per config event, in the shape Powertools' logger writes
 * ({@code level}, {@code timestamp}, {@code message}, fields). What it may write is fixed by its methods' inputs:
 * a {@link RequestTrace} (pseudonymised user, no prompt or answer), error codes and field names, exception class
 * names. There is no method that takes free text from a request, so none can leak into a log by accident.
 */
public final class JsonLog {

  private final Consumer<String> out;
  private final Clock clock;

  public JsonLog(Consumer<String> out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** Writes to the current {@code System.out}, looked up per line (tests and the local runner redirect it). */
  public static Consumer<String> stdout() {
    return line -> System.out.println(line);
  }

  public void request(RequestTrace t, ApiError error, double durationMs) {
    int status = HttpStatuses.of(t);
    Map<String, Object> m = base(status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO", "request");
    m.put("route", t.route());
    m.put("status", status);
    m.put("requestId", t.requestId());
    put(m, "user", t.user());
    RequestTrace.Serving s = t.serving();
    if (s != null) {
      put(m, "application", s.application());
      put(m, "rolloutId", s.rolloutId());
      put(m, "version", s.version() == null ? null : s.version().wireName());
      put(m, "routeReason", s.reason() == null ? null : s.reason().wireName());
    }
    RequestTrace.ModelCall c = t.call();
    if (c != null) {
      put(m, "model", c.model());
      if (!Double.isNaN(c.latencyMs())) {
        m.put("modelLatencyMs", round(c.latencyMs()));
      }
      put(m, "finishReason", c.finishReason());
      put(m, "qualityCheck", c.check());
      if (c.fallback()) {
        m.put("fallback", true);
      }
      put(m, "modelError", c.errorKind());
    }
    put(m, "feedbackFor", t.feedbackFor());
    if (error != null) {
      m.put("errorCode", error.code());
      put(m, "errorField", error.field());
    }
    m.put("durationMs", round(durationMs));
    write(m);
  }

  public void config(ConfigEvent e) {
    Map<String, Object> m = base(e.kind().failure() ? "WARN" : "INFO", "config");
    m.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
    put(m, "detail", e.detail());
    put(m, "rolloutId", e.rolloutId());
    if (e.kind().failure()) {
      m.put("keptLastGood", e.rolloutId() != null);
      m.put("consecutiveFailures", e.consecutiveFailures());
      m.put("totalFailures", e.totalFailures());
    }
    write(m);
  }

  /** An unexpected failure: the exception's class and top frames only; its message may quote input. */
  public void unexpected(String requestId, Throwable t) {
    Map<String, Object> m = base("ERROR", "unexpected");
    m.put("requestId", requestId);
    m.put("exception", t.getClass().getName());
    StackTraceElement[] frames = t.getStackTrace();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(8, frames.length); i++) {
      b.append(i == 0 ? "" : " < ").append(frames[i].getClassName()).append('.').append(frames[i].getMethodName())
          .append(':').append(frames[i].getLineNumber());
    }
    m.put("at", b.toString());
    write(m);
  }

  public void info(String message, Map<String, Object> fields) {
    Map<String, Object> m = base("INFO", message);
    m.putAll(fields);
    write(m);
  }

  private Map<String, Object> base(String level, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("level", level);
    m.put("timestamp", clock.instant().toString());
    m.put("message", message);
    m.put("service", "chat-proxy");
    return m;
  }

  private void write(Map<String, Object> m) {
    try {
      out.accept(Json.MAPPER.writeValueAsString(m));
    } catch (JsonProcessingException e) {
      out.accept("{\"level\":\"ERROR\",\"message\":\"log line could not be written\"}");
    }
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  private static double round(double ms) {
    return Math.round(ms * 1000.0) / 1000.0;
  }
}
