package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.aws.cloudwatch.CloudWatchMetricsQuery;
import io.llmcanary.codec.Json;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.qualityjudge.JudgeSpend;
import io.llmcanary.local.aws.RolloutApi;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

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
      return r.ok() ? Subcommand.OK : Subcommand.FAILED;
    }
    if (!r.ok()) {
      return Remote.refused(command, r, err);
    }
    out.println(r.message());
    out.println("stack " + t.stack().name() + " (" + t.stack().region() + "): rollout " + Remote.text(r.body(), "rolloutId")
        + " " + Remote.text(r.body(), "status") + ", canary " + r.body().path("percent").asDouble() + "%");
    return Subcommand.OK;
  }

  /** status ROLLOUT: GET /rollouts/{id}, with what the workflow waits for, the latest verdict, a console link. */
  static int status(String rolloutId, Remote.Target t, Remote.Clients clients, Double judgeCallPrice, boolean json,
      PrintStream out, PrintStream err) {
    RolloutApi.Response r = t.api().get("/rollouts/" + enc(rolloutId), t.stack().application());
    if (!r.ok()) {
      return Remote.refused("status", r, err);
    }
    JsonNode s = r.body();
    String waits = waitingFor(s, t);
    JsonNode verdict = latestVerdict(s.path("history"));
    String console = consoleLink(Remote.text(s, "executionArn"), t.stack().region());
    JudgeCost cost = judgeCost(s, t, clients, judgeCallPrice);
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
      m.put("qualityJudge", cost.toMap());
      m.put("executionArn", s.path("executionArn").isNull() ? null : Remote.text(s, "executionArn"));
      m.put("consoleUrl", console);
      out.println(JsonOutput.write(m));
      return Subcommand.OK;
    }
    out.println(Remote.text(s, "application") + "/" + Remote.text(s, "rolloutId") + "  " + Remote.text(s, "description")
        + "  (stack " + t.stack().name() + ", " + t.stack().region() + ")");
    out.println("  waiting for: " + waits);
    out.println("  last: " + Remote.text(s, "reason"));
    if (verdict == null) {
      out.println("  latest verdict: none yet (the health check judges every 15 minutes; the gate at the end of"
          + " the stage); ./canaryctl compare " + Remote.text(s, "rolloutId") + " --stack " + t.stack().name()
          + " judges the live metrics now");
    } else {
      out.println("  latest verdict (" + Remote.text(verdict, "type") + " at " + Remote.text(verdict, "at") + "): "
          + Remote.text(verdict, "reason"));
      Remote.text(verdict, "table").lines().forEach(l -> out.println("    " + l));
    }
    out.println("  " + cost.line());
    if (console != null) {
      out.println("  execution: " + console);
    }
    return Subcommand.OK;
  }

  /** The default price of one judge call when neither --judge-call-price nor the stack's output gives one. */
  static final double DEFAULT_JUDGE_CALL_PRICE_USD = 0.0007;

  /**
   * What the quality judge has cost the rollout since it started: its judged answers ({@code JudgeScore} and
   * {@code Preference} sample counts in CloudWatch, one GetMetricData call) × the price of a judge call; or why it
   * is unknown.
   */
  record JudgeCost(JudgeSpend spend, String priceFrom, Instant since, Instant until, String error) {

    String line() {
      if (error != null) {
        return "quality judge: cost unknown (" + error + ")";
      }
      return spend.line() + " since the rollout started at " + since + " (price per call: " + priceFrom + ")";
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      if (error != null) {
        m.put("error", error);
        return m;
      }
      m.put("since", since.toString());
      m.put("until", until.toString());
      m.put("answersJudged", spend.answersJudged());
      m.put("absoluteGrades", spend.absoluteGrades());
      m.put("pairwiseComparisons", spend.pairwise());
      m.put("judgeCalls", spend.judgeCalls());
      m.put("pricePerCallUsd", spend.pricePerCallUsd());
      m.put("priceFrom", priceFrom);
      m.put("judgeCallsUsd", spend.judgeCallsUsd());
      m.put("shadowAnswersUsd", JsonOutput.num(spend.shadowAnswersUsd()));
      m.put("totalUsd", spend.totalUsd());
      return m;
    }
  }

  static JudgeCost judgeCost(JsonNode s, Remote.Target t, Remote.Clients clients, Double priceOption) {
    double price;
    String priceFrom;
    String output = t.stack().outputs().get("QualityJudgeCallPriceUsd");
    if (priceOption != null) {
      price = priceOption;
      priceFrom = "--judge-call-price";
    } else if (output != null && output.matches("[0-9]+(\\.[0-9]+)?")) {
      price = Double.parseDouble(output);
      priceFrom = "$" + output + ", the stack's QualityJudgeCallPriceUsd";
    } else {
      price = DEFAULT_JUDGE_CALL_PRICE_USD;
      priceFrom = "the default $" + DEFAULT_JUDGE_CALL_PRICE_USD + ": the stack has no QualityJudgeCallPriceUsd output;"
          + " --judge-call-price USD sets it";
    }
    Instant since = instant(Remote.text(s, "startedAt"));
    if (since == null) {
      // a stack older than the startedAt field: the audit trail's first event is the start
      JsonNode first = s.path("history").path(0);
      since = instant(Remote.text(first, "at"));
    }
    if (since == null) {
      return new JudgeCost(null, priceFrom, null, null, "the rollout API gave no start time");
    }
    Instant now = Instant.now();
    Instant ended = "true".equals(Remote.text(s, "ended")) ? instant(Remote.text(s, "updatedAt")) : null;
    Instant until = ended != null && ended.isBefore(now) ? ended.plusSeconds(60) : now;
    String namespace = t.stack().outputs().getOrDefault("MetricsNamespace", "LlmCanary");
    try (CloudWatchClient cw = clients.cloudWatch().apply(t.stack().region())) {
      WindowStats w = new CloudWatchMetricsQuery(cw, namespace).totals(Remote.text(s, "application"),
          Remote.text(s, "rolloutId"), since, until);
      return new JudgeCost(JudgeSpend.of(w, price), priceFrom, since, until, null);
    } catch (SdkException e) {
      return new JudgeCost(null, priceFrom, since, until, "cannot read CloudWatch: " + e.getMessage()
          + "; the caller needs cloudwatch:GetMetricData");
    }
  }

  private static Instant instant(String v) {
    try {
      return v == null || v.isEmpty() || v.equals("null") ? null : Instant.parse(v);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** status without ROLLOUT: GET /rollouts; exactly one active rollout is shown as status ROLLOUT shows it. */
  static int list(Remote.Target t, Remote.Clients clients, Double judgeCallPrice, boolean json, PrintStream out,
      PrintStream err) {
    RolloutApi.Response r = t.api().get("/rollouts", t.stack().application());
    if (!r.ok()) {
      return listRefused("status", r, t, err);
    }
    List<JsonNode> rollouts = new ArrayList<>();
    r.body().path("rollouts").forEach(rollouts::add);
    List<JsonNode> active = rollouts.stream().filter(x -> !x.path("ended").asBoolean(false)).toList();
    if (active.size() == 1) {
      return status(Remote.text(active.get(0), "rolloutId"), t, clients, judgeCallPrice, json, out, err);
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stack", t.stack().name());
      m.put("region", t.stack().region());
      m.put("application", t.stack().application());
      m.put("active", active.size());
      m.put("rollouts", rollouts);
      out.println(JsonOutput.write(m));
      return Subcommand.OK;
    }
    String stack = " --stack " + t.stack().name();
    out.println("stack " + t.stack().name() + " (" + t.stack().region() + "), application " + t.stack().application()
        + ": " + (active.isEmpty() ? "no active rollout" : active.size() + " active rollouts"));
    for (JsonNode x : rollouts) {
      boolean ended = x.path("ended").asBoolean(false);
      out.println("  " + Remote.text(x, "rolloutId") + "  " + Remote.text(x, "description")
          + (ended ? "  ended at " + Remote.text(x, "updatedAt") : "  since " + Remote.text(x, "stageStartedAt")));
    }
    if (rollouts.isEmpty()) {
      out.println("  none: start one with ./canaryctl start ROLLOUT-CONFIG.json" + stack);
    } else {
      out.println("  ./canaryctl status ROLLOUT" + stack + " shows one (older ended rollouts are not listed; any id"
          + " works)");
    }
    return Subcommand.OK;
  }

  /** The id of the stack's single active rollout, for a command given none; else prints why not (empty). */
  static Optional<String> singleActive(String command, Remote.Target t, PrintStream err) {
    RolloutApi.Response r = t.api().get("/rollouts", t.stack().application());
    if (!r.ok()) {
      listRefused(command, r, t, err);
      return Optional.empty();
    }
    List<String> active = new ArrayList<>();
    r.body().path("rollouts").forEach(x -> {
      if (!x.path("ended").asBoolean(false)) {
        active.add(Remote.text(x, "rolloutId"));
      }
    });
    String stack = " --stack " + t.stack().name();
    if (active.size() == 1) {
      return Optional.of(active.get(0));
    }
    err.println("canaryctl " + command + ": " + (active.isEmpty()
        ? "no active rollout on stack " + t.stack().name() + ": name one, ./canaryctl " + command + " ROLLOUT" + stack
            + " (./canaryctl status" + stack + " lists the recent ones)"
        : active.size() + " active rollouts on stack " + t.stack().name() + " (" + String.join(", ", active)
            + "): name one, ./canaryctl " + command + " ROLLOUT" + stack));
    return Optional.empty();
  }

  private static int listRefused(String command, RolloutApi.Response r, Remote.Target t, PrintStream err) {
    if (r.status() == 404) {
      err.println("canaryctl " + command + ": the rollout API of stack " + t.stack().name() + " has no list of"
          + " rollouts (GET /rollouts; deployed before it existed): name the rollout, ./canaryctl " + command
          + " ROLLOUT, or deploy the current template (sam build && sam deploy)");
      return Subcommand.FAILED;
    }
    return Remote.refused(command, r, err);
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
      return Subcommand.OK;
    }
    for (JsonNode e : s.path("history")) {
      out.println(Remote.text(e, "at") + "  " + Remote.text(e, "type") + "  " + Remote.text(e, "from") + " -> "
          + Remote.text(e, "to") + "  stage " + e.path("stage").asInt() + "  by " + Remote.text(e, "actor"));
      if (!Remote.text(e, "reason").isEmpty()) {
        out.println("    " + Remote.text(e, "reason"));
      }
      Remote.text(e, "table").lines().forEach(l -> out.println("    " + l));
    }
    return Subcommand.OK;
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

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
