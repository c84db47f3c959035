package io.llmcanary.promotion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.GuardrailsJson;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutJson;
import io.llmcanary.codec.StartRequestCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.promotion.Actor;
import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.rollout.RolloutState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rollout routes of the HTTP API (payload format 2.0), behind IAM or JWT auth (docs/architecture.md#security-and-trust-boundaries):
 *
 * <pre>
 * POST /rollouts                          start a rollout; body: the canary version, or {"canary", "pricing", "stages", "rolloutId"}
 * GET  /rollouts                          the application's active rollouts, and its most recent ended one
 * GET  /rollouts/{rolloutId}              the rollout's state, the guardrails it is judged with, and its audit trail
 * POST /rollouts/{rolloutId}/approve      approve the waiting stage; body {"reason": "..."} (optional)
 * POST /rollouts/{rolloutId}/reject       reject it: the rollout ends, canary 0%
 * POST /rollouts/{rolloutId}/rollback     an operator's abort at any stage that has not ended; body {"reason": "..."}
 * </pre>
 *
 * The caller (an IAM principal, or a JWT subject) is the actor of the audit trail, on every route; an "actor" in
 * the body is ignored (docs/architecture.md#security-and-trust-boundaries), and a request without an identity is refused, whatever the API's
 * configuration. When the deployment names operator principals (OperatorPrincipals), any other caller is refused
 * with 403. {@code ?application=} selects another application than "default".
 */
final class ApiRoutes {

  private static final int MAX_BODY = 256 * 1024;
  private final Promotion promotion;

  ApiRoutes(Promotion promotion) {
    this.promotion = promotion;
  }

  static boolean isHttpEvent(JsonNode n) {
    return n.has("requestContext") && n.path("requestContext").has("http");
  }

  /** The API Gateway response object for an HTTP event. */
  Map<String, Object> handle(JsonNode event) {
    String method = event.path("requestContext").path("http").path("method").asText("");
    String path = event.path("rawPath").asText(event.path("requestContext").path("http").path("path").asText(""));
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    String application = event.path("queryStringParameters").path("application").asText(RolloutConfig.DEFAULT_APPLICATION);
    Optional<String> actor = actor(event.path("requestContext").path("authorizer"));
    try {
      if (parts.length == 0 || !parts[0].equals("rollouts")) {
        return error(404, "not_found", "no route " + method + " " + path + "; the rollout routes are under /rollouts");
      }
      if (actor.isEmpty()) {
        return error(401, "unauthenticated", "the rollout routes need an authenticated caller (IAM or JWT)");
      }
      // HTTP APIs have no resource policy, so IAM auth admits any principal of the account allowed execute-api:Invoke;
      // the operator allow-list is applied here, on every rollout route (docs/architecture.md#security-and-trust-boundaries).
      Optional<String> notOperator = promotion.rules().refusal(new Actor.Principal(actor.get()));
      if (notOperator.isPresent()) {
        return error(403, "not_an_operator", notOperator.get());
      }
      JsonNode body = body(event);
      if (parts.length == 1 && method.equals("POST")) {
        return start(body, application, actor.get());
      }
      if (parts.length == 1 && method.equals("GET")) {
        return list(application);
      }
      if (parts.length == 2 && method.equals("GET")) {
        return status(application, parts[1]);
      }
      if (parts.length == 3 && method.equals("POST") && (parts[2].equals("approve") || parts[2].equals("reject"))) {
        String reason = body.path("reason").isTextual() ? body.path("reason").asText() : null;
        String app = body.path("application").isTextual() ? body.path("application").asText() : application;
        DecisionResult r = promotion.decide(new Decide(app, parts[1], parts[2], actor.get(), reason));
        return respond(status(r, 200), r);
      }
      if (parts.length == 3 && method.equals("POST") && parts[2].equals("rollback")) {
        String reason = body.path("reason").asText("");
        if (reason.isBlank()) {
          return error(400, "bad_request", "say why in the body: {\"reason\": \"...\"}; it goes into the alert and"
              + " the audit trail");
        }
        String app = body.path("application").isTextual() ? body.path("application").asText() : application;
        DecisionResult r = promotion.rollBack(app, parts[1], actor.get(), reason);
        return respond(status(r, 200), r);
      }
      return error(404, "not_found", "no route " + method + " " + path);
    } catch (BadRequest e) {
      return error(400, "bad_request", e.getMessage());
    } catch (RuntimeException e) {
      return error(500, "internal", "the promotion function failed; see its log for request "
          + event.path("requestContext").path("requestId").asText("?"));
    }
  }

  private Map<String, Object> start(JsonNode body, String application, String actor) {
    // the actor is the authenticated caller; a field the caller fills names nobody (docs/architecture.md#security-and-trust-boundaries)
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).remove("actor");
    StartRequestCodec.Read read = StartRequestCodec.read(body, null, application, actor, null);
    return switch (read) {
      case StartRequestCodec.Read.Invalid bad -> error(400, "invalid_version", bad.summary());
      case StartRequestCodec.Read.Ok ok -> {
        if (ok.request().rolloutId() == null) {
          yield error(400, "bad_request", "give the new rollout's id as \"rolloutId\" in an envelope:"
              + " {\"rolloutId\": \"...\", \"canary\": {...}}");
        }
        DecisionResult r = promotion.start(ok.request(), ok.check());
        yield respond(status(r, 201), r);
      }
    };
  }

  private Map<String, Object> status(String application, String rolloutId) {
    Optional<RolloutState> s = promotion.ports().store().get(application, rolloutId);
    if (s.isEmpty()) {
      return error(404, "not_found", "no rollout " + rolloutId + " in application " + application);
    }
    RolloutState st = s.get();
    Map<String, Object> out = RolloutJson.summary(st);
    out.put("executionArn", st.executionArn());
    out.put("reason", st.reason());
    // what the health check judges this rollout with, chosen as it chooses (HealthCheck.guardrailsFor)
    RolloutConfig deployed = deployedConfig();
    out.put("guardrails", GuardrailsJson.toMap(HealthCheck.guardrailsFor(st, deployed)));
    out.put("guardrailsFrom", HealthCheck.deploysGuardrailsOf(st, deployed) ? "deployed config" : "defaults");
    List<Map<String, Object>> history = promotion.ports().store().history(application, rolloutId).stream()
        .map(RolloutJson::event).toList();
    out.put("history", history);
    return respond(200, out);
  }

  /**
   * The application's rollouts that are active (not ended, or still owing work: the store's index), newest first,
   * and the rollout the deployed config names when it has ended: the most recent one, as the config names its
   * rollout until the next starts. Older ended rollouts are not listed: the store indexes only active ones, and a
   * scan would grow with history; GET /rollouts/{id} shows any of them.
   */
  private Map<String, Object> list(String application) {
    List<RolloutState> shown = new ArrayList<>();
    for (RolloutState st : promotion.ports().store().active()) {
      if (st.application().equals(application)) {
        shown.add(st);
      }
    }
    RolloutConfig deployed = deployedConfig();
    if (deployed != null && deployed.application().equals(application)
        && shown.stream().noneMatch(st -> st.rolloutId().equals(deployed.rolloutId()))) {
      promotion.ports().store().get(application, deployed.rolloutId()).ifPresent(shown::add);
    }
    shown.sort(Comparator.comparing(RolloutState::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("application", application);
    out.put("rollouts", shown.stream().map(RolloutJson::summary).toList());
    out.put("active", shown.stream().filter(st -> !st.status().isTerminal()).count());
    out.put("note", "active rollouts and the most recent ended one; GET /rollouts/{rolloutId} shows any rollout");
    return respond(200, out);
  }

  /** The config AppConfig has deployed; null when it cannot be read (then the defaults apply, as in the check). */
  private RolloutConfig deployedConfig() {
    try {
      return promotion.ports().configs().deployedConfig();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Who calls: the IAM principal, a JWT's email or subject, or a Lambda authorizer's "principalId". */
  static Optional<String> actor(JsonNode authorizer) {
    String iam = authorizer.path("iam").path("userArn").asText("");
    if (!iam.isBlank()) {
      return Optional.of(iam);
    }
    JsonNode claims = authorizer.path("jwt").path("claims");
    for (String claim : List.of("email", "sub")) {
      if (!claims.path(claim).asText("").isBlank()) {
        return Optional.of("jwt:" + claims.path(claim).asText());
      }
    }
    String lambda = authorizer.path("lambda").path("principalId").asText("");
    return lambda.isBlank() ? Optional.empty() : Optional.of("authorizer:" + lambda);
  }

  private static JsonNode body(JsonNode event) {
    JsonNode b = event.get("body");
    if (b == null || b.isNull() || b.asText().isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    String text = b.asText();
    if (event.path("isBase64Encoded").asBoolean(false)) {
      try {
        text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new BadRequest("the body is marked base64 but is not");
      }
    }
    if (text.length() > MAX_BODY) {
      throw new BadRequest("the body is larger than " + MAX_BODY + " characters");
    }
    try {
      JsonNode n = Json.MAPPER.readTree(text);
      if (n == null || !n.isObject()) {
        throw new BadRequest("the body must be a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The HTTP status of a decision's answer: {@code ok} when applied, else by the typed refusal. */
  static int status(DecisionResult r, int ok) {
    if (r.applied()) {
      return ok;
    }
    return switch (r.refusal()) {
      case NO_SUCH_ROLLOUT -> 404;
      case INVALID_REQUEST -> 400;
      case NOT_PERMITTED -> 403;
      case NOT_ALLOWED_NOW -> 409;
    };
  }

  private static Map<String, Object> respond(int status, Object body) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("statusCode", status);
    r.put("headers", Map.of("content-type", "application/json"));
    r.put("body", PromotionFunction.write(body));
    return r;
  }

  private static Map<String, Object> error(int status, String code, String message) {
    return respond(status, Map.of("error", code, "message", message));
  }

  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
