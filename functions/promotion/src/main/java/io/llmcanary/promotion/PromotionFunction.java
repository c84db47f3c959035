package io.llmcanary.promotion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.StartRequestCodec;
import io.llmcanary.core.ports.ApprovalExecutions;
import io.llmcanary.core.promotion.Actor;
import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionRequest;
import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.PromotionRequest.ExpireApproval;
import io.llmcanary.core.promotion.PromotionRequest.Finalize;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.promotion.PromotionRequest.ReportFailure;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses an event, calls {@link Promotion} and writes its answer: the whole of the handler's work. State machine
 * payloads are answered with the action's result as JSON; an event that cannot be parsed, or an action that
 * fails, throws, so Lambda reports a function error and the state machine's Retry and Catch take over. HTTP
 * API events go to {@link ApiRoutes}, which always answers an HTTP response.
 */
public final class PromotionFunction {

  static final String ACTIONS = "apply-stage, gate, request-approval, decide, finalize, expire-approval, report-failure, start";

  private final Promotion promotion;
  private final ApprovalExecutions executions;
  private final ApiRoutes api;
  private final PrintStream log;

  public PromotionFunction(Promotion promotion, PrintStream log) {
    this(promotion, ApprovalExecutions.NONE, log);
  }

  /** With the lookup that verifies ApprovePromotion executions (their decisions are recorded as the execution). */
  public PromotionFunction(Promotion promotion, ApprovalExecutions executions, PrintStream log) {
    this.promotion = Objects.requireNonNull(promotion, "promotion");
    this.executions = executions == null ? ApprovalExecutions.NONE : executions;
    this.api = new ApiRoutes(promotion);
    this.log = log == null ? System.out : log;
  }

  public Promotion promotion() {
    return promotion;
  }

  /** Handles one event (JSON text) and answers the response (JSON text). */
  public String handle(String event) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(event);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the event is not JSON: " + e.getOriginalMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("the event must be a JSON object with an \"action\" (" + ACTIONS + ")");
    }
    if (ApiRoutes.isHttpEvent(n)) {
      return write(api.handle(n));
    }
    String action = n.path("action").asText("");
    long t0 = System.nanoTime();
    Object result;
    try {
      result = dispatch(action, n);
    } catch (RuntimeException e) {
      logLine(action, n, "ERROR", Map.of("error", e.getClass().getName(), "message", String.valueOf(e.getMessage())), t0);
      throw e;
    }
    logLine(action, n, "INFO", Json.MAPPER.convertValue(result, Map.class), t0);
    return write(result);
  }

  private Object dispatch(String action, JsonNode n) {
    return switch (action) {
      case "apply-stage" -> promotion.applyStage(read(n, ApplyStage.class));
      case "gate" -> promotion.gate(read(n, Gate.class));
      case "request-approval" -> promotion.requestApproval(read(n, RequestApproval.class));
      case "decide" -> decide(n);
      case "finalize" -> promotion.finalizeRollout(read(n, Finalize.class));
      case "expire-approval" -> promotion.expireApproval(read(n, ExpireApproval.class));
      case "report-failure" -> {
        // The state machine passes the caught error object as "failure": {"Error": ..., "Cause": ...}.
        JsonNode f = n.path("failure");
        yield promotion.reportFailure(new ReportFailure(text(n, "application"), text(n, "rolloutId"),
            f.isObject() ? text(f, "Error") : text(n, "error"), f.isObject() ? text(f, "Cause") : text(n, "cause"),
            text(n, "executionArn")));
      }
      case "start" -> {
        // {"action": "start", "actor": ..., and the envelope: "canary", "pricing", "stages", "rolloutId", "reason"}
        com.fasterxml.jackson.databind.node.ObjectNode envelope = ((com.fasterxml.jackson.databind.node.ObjectNode) n).deepCopy();
        envelope.remove(List.of("action", "actor"));
        // A direct invoke carries no identity: whatever "actor" it names is recorded as a claim (docs/architecture.md#security-and-trust-boundaries).
        StartRequestCodec.Read r = StartRequestCodec.read(envelope, text(n, "rolloutId"), text(n, "application"),
            new Actor.Claimed(text(n, "actor")).name(), text(n, "reason"));
        yield switch (r) {
          case StartRequestCodec.Read.Ok ok -> promotion.start(ok.request(), ok.check());
          case StartRequestCodec.Read.Invalid bad -> throw new IllegalArgumentException("invalid start request: "
              + bad.summary());
        };
      }
      case "" -> throw new IllegalArgumentException("the event has no \"action\"; expected one of: " + ACTIONS);
      default -> throw new IllegalArgumentException("unknown action \"" + action + "\"; expected one of: " + ACTIONS);
    };
  }

  /**
   * A decision by direct invoke. The payload's "actor" is never taken at its word: the ApprovePromotion state machine
   * passes its execution's ARN, which is looked up ({@link ApprovalExecutions}) and becomes the actor; a payload
   * naming an execution that does not check out is refused; anything else is recorded as a claim.
   */
  private Object decide(JsonNode n) {
    Decide asked = read(n, Decide.class);
    String executionArn = asked.executionArn();
    if (executionArn == null) {
      return promotion.decide(new Decide(asked.application(), asked.rolloutId(), asked.decision(),
          new Actor.Claimed(asked.actor()).name(), asked.reason()));
    }
    return switch (executions.check(executionArn, asked.application(), asked.rolloutId(), asked.decision())) {
      case ApprovalExecutions.Check.Verified v -> promotion.decide(new Decide(asked.application(), asked.rolloutId(),
          asked.decision(), new Actor.Execution(v.executionArn()).name(), asked.reason()));
      case ApprovalExecutions.Check.Refused bad -> DecisionResult.refused(DecisionResult.Refusal.NOT_PERMITTED,
          asked.application(), asked.rolloutId(),
          "cannot " + asked.decision() + ": the decision names ApprovePromotion execution " + executionArn
              + ", which does not check out: " + bad.why());
    };
  }

  private static <T extends PromotionRequest> T read(JsonNode n, Class<T> type) {
    try {
      return Json.MAPPER.treeToValue(n, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot read the " + n.path("action").asText() + " event: "
          + e.getOriginalMessage(), e);
    }
  }

  static String write(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the response", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** One structured log line per invocation: what was asked and what came of it. Never a task token. */
  private void logLine(String action, JsonNode n, String level, Map<?, ?> outcome, long t0) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("level", level);
    line.put("action", action);
    line.put("application", text(n, "application"));
    line.put("rolloutId", text(n, "rolloutId"));
    Map<Object, Object> out = new LinkedHashMap<>(outcome);
    out.remove("table"); // in the audit trail and the step output; too long for a log line
    line.put("result", out);
    line.put("ms", (System.nanoTime() - t0) / 1_000_000);
    log.println(write(line));
  }
}
