package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.Json;
import io.llmcanary.local.aws.RolloutApi;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rollout commands against the deployed stack: each one request to the rollout API (SigV4-signed), so the
 * promotion function is the one place that decides and audits, with the caller's IAM identity as the actor.
 */
final class RemoteRollouts {

  private RemoteRollouts() {}

  /** approve, reject or rollback ROLLOUT through POST /rollouts/{id}/{decision}. */
  static int decide(String decision, String rolloutId, String reason, Remote.Target t, boolean json, PrintStream out,
      PrintStream err) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (reason != null) {
      body.put("reason", reason);
    }
    RolloutApi.Response r = t.api().post("/rollouts/" + enc(rolloutId) + "/" + decision, t.stack().application(), body);
    return answer(decision, r, t, json, out, err);
  }

  /** start: POST /rollouts with the envelope {"rolloutId", "canary", "pricing", "stages", "reason"}. */
  static int start(ObjectNode envelope, Remote.Target t, boolean json, PrintStream out, PrintStream err) {
    RolloutApi.Response r = t.api().post("/rollouts", t.stack().application(), envelope);
    return answer("start", r, t, json, out, err);
  }

  private static int answer(String command, RolloutApi.Response r, Remote.Target t, boolean json, PrintStream out,
      PrintStream err) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("applied", r.ok() && r.body().path("applied").asBoolean(false));
      m.put("httpStatus", r.status());
      m.put("message", r.message());
      m.put("status", Remote.text(r.body(), "status"));
      m.put("canaryPercent", r.body().path("percent").isNumber() ? r.body().path("percent").asDouble() : null);
      m.put("stack", t.stack().name());
      out.println(JsonOutput.write(m));
      return r.ok() ? Command.OK : Command.FAILED;
    }
    if (!r.ok()) {
      return Remote.refused(command, r, err);
    }
    out.println(r.message());
    out.println("stack " + t.stack().name() + " (" + t.stack().region() + "): rollout " + Remote.text(r.body(), "rolloutId")
        + " " + Remote.text(r.body(), "status") + ", canary " + r.body().path("percent").asDouble() + "%");
    return Command.OK;
  }

  /** status ROLLOUT: GET /rollouts/{id}, with what the workflow waits for, the latest verdict, a console link. */
  static int status(String rolloutId, Remote.Target t, boolean json, PrintStream out, PrintStream err) {
    RolloutApi.Response r = t.api().get("/rollouts/" + enc(rolloutId), t.stack().application());
    if (!r.ok()) {
      return Remote.refused("status", r, err);
    }
    JsonNode s = r.body();
    String waits = waitingFor(s, t);
    JsonNode verdict = latestVerdict(s.path("history"));
    String console = consoleLink(Remote.text(s, "executionArn"), t.stack().region());
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stack", t.stack().name());
      m.put("region", t.stack().region());
      m.put("application", Remote.text(s, "application"));
      m.put("rolloutId", Remote.text(s, "rolloutId"));
      m.put("status", Remote.text(s, "status"));
      m.put("description", Remote.text(s, "description"));
      m.put("stage", s.path("stage").asInt());
      m.put("stages", s.path("stages"));
      m.put("canaryPercent", s.path("canaryPercent").asDouble());
      m.put("waitingFor", waits);
      m.put("latestVerdict", verdict == null ? null : verdict);
      m.put("executionArn", s.path("executionArn").isNull() ? null : Remote.text(s, "executionArn"));
      m.put("consoleUrl", console);
      out.println(JsonOutput.write(m));
      return Command.OK;
    }
    out.println(Remote.text(s, "application") + "/" + Remote.text(s, "rolloutId") + "  " + Remote.text(s, "description")
        + "  (stack " + t.stack().name() + ", " + t.stack().region() + ")");
    out.println("  waiting for: " + waits);
    out.println("  last: " + Remote.text(s, "reason"));
    if (verdict == null) {
      out.println("  latest verdict: none yet (the health check judges every 15 minutes; the gate at the end of"
          + " the stage)");
    } else {
      out.println("  latest verdict (" + Remote.text(verdict, "type") + " at " + Remote.text(verdict, "at") + "): "
          + Remote.text(verdict, "reason"));
      Remote.text(verdict, "table").lines().forEach(l -> out.println("    " + l));
    }
    if (console != null) {
      out.println("  execution: " + console);
    }
    return Command.OK;
  }

  /** history ROLLOUT: the audit trail of GET /rollouts/{id}, oldest first, with its tables. */
  static int history(String rolloutId, Remote.Target t, boolean json, PrintStream out, PrintStream err) {
    RolloutApi.Response r = t.api().get("/rollouts/" + enc(rolloutId), t.stack().application());
    if (!r.ok()) {
      return Remote.refused("history", r, err);
    }
    JsonNode s = r.body();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stack", t.stack().name());
      m.put("application", Remote.text(s, "application"));
      m.put("rolloutId", Remote.text(s, "rolloutId"));
      m.put("events", s.path("history"));
      out.println(JsonOutput.write(m));
      return Command.OK;
    }
    for (JsonNode e : s.path("history")) {
      out.println(Remote.text(e, "at") + "  " + Remote.text(e, "type") + "  " + Remote.text(e, "from") + " -> "
          + Remote.text(e, "to") + "  stage " + e.path("stage").asInt() + "  by " + Remote.text(e, "actor"));
      if (!Remote.text(e, "reason").isEmpty()) {
        out.println("    " + Remote.text(e, "reason"));
      }
      Remote.text(e, "table").lines().forEach(l -> out.println("    " + l));
    }
    return Command.OK;
  }

  private static String waitingFor(JsonNode s, Remote.Target t) {
    String id = Remote.text(s, "rolloutId");
    String stack = " --stack " + t.stack().name();
    return switch (Remote.text(s, "status")) {
      case "AWAITING_APPROVAL" -> "a person's decision: ./canaryctl approve " + id + " --reason TEXT" + stack
          + " (or ./canaryctl reject " + id + " --reason TEXT" + stack + ")";
      case "RUNNING" -> "the end of stage " + s.path("stage").asInt() + " (its gate runs then); the health check"
          + " watches meanwhile; ./canaryctl rollback " + id + " --reason TEXT" + stack + " stops it now";
      default -> "nothing: the rollout has ended";
    };
  }

  private static JsonNode latestVerdict(JsonNode history) {
    JsonNode last = null;
    for (JsonNode e : history) {
      // the start's table is the change summary, not a verdict
      if (e.hasNonNull("table") && !"STARTED".equals(Remote.text(e, "type"))) {
        last = e;
      }
    }
    return last;
  }

  static String consoleLink(String executionArn, String region) {
    if (executionArn == null || executionArn.isBlank()) {
      return null;
    }
    return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region
        + "#/v2/executions/details/" + executionArn;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
