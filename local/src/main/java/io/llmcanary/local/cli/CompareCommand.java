package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.aws.cloudwatch.CloudWatchMetricsQuery;
import io.llmcanary.codec.GuardrailsJson;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.local.aws.RolloutApi;
import io.llmcanary.local.promotion.LocalPromotionState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * {@code canaryctl compare [ROLLOUT] [--hours H]}: the seed's comparison table, live: the rollout's metrics read with
 * the health check's own query ({@link CloudWatchMetricsQuery}, the stack's {@code MetricsNamespace}) and judged by
 * the health check's own rollback check ({@link SequentialJudge}) with the guardrails the rollout API says the check
 * uses. So what an operator sees is what the next check will decide on, not a second opinion.
 */
@Command(name = "compare",
    header = "judge a rollout's live metrics now: the comparison table of stable and canary (CloudWatch)",
    customSynopsis = {
        "./canaryctl compare [ROLLOUT] [--hours H] [--stack NAME] [--region R] [--json]",
        "       ./canaryctl compare [ROLLOUT] --local --metrics EMF.log [--hours H] [--state DIR] [--json]"},
    description = """
        The comparison table of stable and canary (metric, stable, canary, diff, samples, result, threshold), live:
        the rollout's metrics are read from CloudWatch with the health check's own query (GetMetricData on the
        stack's MetricsNamespace, dimensions Application, Rollout, Version) and judged with the health check's own
        rollback check and the guardrails it uses for this rollout (GET /rollouts/ROLLOUT says which: the deployed
        config's, or the defaults). The window is the health check's: everything since the current stage began
        (until the rollout ended, for one that has); with --hours H, the last H hours instead. Without ROLLOUT:
        the stack's single active rollout (GET /rollouts); with several, name one.

        With --local: the local state's rollout, judged on the EMF lines the local proxy printed (the local state
        keeps no metrics of its own): ./canaryctl serve --config .canary-local/config.json > serve.log, send
        traffic, then ./canaryctl compare --local --metrics serve.log.""",
    footer = """

        The caller needs cloudwatch:GetMetricData besides what status needs.""",
    exitCodeList = {"0:judged (whatever the verdict)",
        "1:refused (no such rollout, no metrics, CloudWatch unreadable)", "2:usage error"})
public final class CompareCommand implements Subcommand {

  private final CanaryPolicy policy = new SequentialJudge();

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT", description = "the rollout id (default: the single"
      + " active one)")
  String rolloutId;

  @Option(names = "--hours", paramLabel = "H", description = "judge the last H hours (1..1440) instead of everything"
      + " since the stage began")
  Long hoursOption;

  @Option(names = "--metrics", paramLabel = "PATH", description = "with --local: EMF lines to judge (what"
      + " ./canaryctl serve printed); other lines are skipped")
  String metricsFile;

  @Mixin
  PromotionOptions promotion;

  private String name() {
    return "compare";
  }

  @Override
  public int run(PrintStream out, PrintStream err) {
    Optional<Duration> hours = hoursOption == null ? Optional.empty()
        : Optional.of(Duration.ofHours(UsageException.within("--hours", hoursOption, 1, 1, 1440)));
    Optional<String> id = Optional.ofNullable(rolloutId);
    Optional<String> stack = promotion.where.stackName();
    if (stack.isPresent()) {
      if (metricsFile != null) {
        throw new UsageException("--metrics is for --local; on the stack the metrics come from CloudWatch");
      }
      return promotion.where.onStack(name(), stack.get(), err, t -> onStack(id, hours, t, promotion.json, out, err));
    }
    return local(id, hours, out, err);
  }

  private int onStack(Optional<String> given, Optional<Duration> hours, Remote.Target t, boolean json,
      PrintStream out, PrintStream err) {
    Optional<String> id = given.isPresent() ? given : RemoteRollouts.singleActive(name(), t, err);
    if (id.isEmpty()) {
      return FAILED;
    }
    RolloutApi.Response r = t.api().get("/rollouts/" + RemoteRollouts.enc(id.get()), t.stack().application());
    if (!r.ok()) {
      return Remote.refused(name(), r, err);
    }
    JsonNode s = r.body();
    Guardrails g;
    try {
      g = GuardrailsJson.read(s.get("guardrails"));
    } catch (IllegalArgumentException e) {
      err.println("canaryctl compare: the rollout API sent guardrails this CLI cannot read (" + e.getMessage()
          + "); update the CLI to the stack's version");
      return FAILED;
    }
    String guardrailsFrom = s.hasNonNull("guardrails") ? Remote.text(s, "guardrailsFrom")
        : "defaults (the stack's API does not say; redeploy it for the rollout's own)";
    boolean ended = s.path("ended").asBoolean(isTerminal(Remote.text(s, "status")));
    Instant now = Instant.now();
    Window w = window(hours, instant(s, "stageStartedAt"), ended ? instant(s, "updatedAt") : null, now);
    String namespace = t.stack().outputs().getOrDefault("MetricsNamespace", "LlmCanary");
    String application = Remote.text(s, "application");
    JudgeInput input;
    try (CloudWatchClient cw = promotion.where.clients().cloudWatch().apply(t.stack().region())) {
      input = new CloudWatchMetricsQuery(cw, namespace).fetch(application, id.get(), w.from(), w.to());
    } catch (SdkException e) {
      err.println("canaryctl compare: cannot read the metrics from CloudWatch in " + t.stack().region() + ": "
          + e.getMessage() + " (the caller needs cloudwatch:GetMetricData; the health check keeps judging)");
      return FAILED;
    }
    Verdict v = policy.rollbackCheck(input, g);
    Map<String, Object> where = new LinkedHashMap<>();
    where.put("stack", t.stack().name());
    where.put("region", t.stack().region());
    where.put("namespace", namespace);
    return print(application, id.get(), Remote.text(s, "status"), Remote.text(s, "description"), w, guardrailsFrom,
        input, v, where, json, out, "(stack " + t.stack().name() + ", " + t.stack().region() + ")");
  }

  private int local(Optional<String> given, Optional<Duration> hours, PrintStream out, PrintStream err) {
    try (LocalPromotionState state = promotion.open(null, err)) {
      state.catchUp();
      state.save();
      List<RolloutState> all = new ArrayList<>();
      for (InProcessWorkflow.Execution e : state.workflow().executions()) {
        state.store().get(e.application(), e.rolloutId()).ifPresent(all::add);
      }
      Optional<RolloutState> chosen;
      if (given.isPresent()) {
        chosen = all.stream().filter(s -> s.rolloutId().equals(given.get())).findFirst();
        if (chosen.isEmpty()) {
          err.println("canaryctl compare: no rollout " + given.get() + " in " + state.directory()
              + " (./canaryctl status --local --all lists them)");
          return FAILED;
        }
      } else {
        List<RolloutState> active = all.stream().filter(s -> !s.status().isTerminal()).toList();
        if (active.size() != 1) {
          err.println("canaryctl compare: " + (active.isEmpty() ? "no active rollout in " + state.directory()
              + "; name one (./canaryctl status --local --all lists them) or start one (./canaryctl start"
              + " ROLLOUT-CONFIG.json)" : active.size() + " active rollouts in " + state.directory() + " ("
              + String.join(", ", active.stream().map(RolloutState::rolloutId).toList()) + "): name one,"
              + " ./canaryctl compare ROLLOUT --local"));
          return FAILED;
        }
        chosen = Optional.of(active.get(0));
      }
      RolloutState s = chosen.get();
      if (metricsFile == null) {
        err.println("canaryctl compare: the local state keeps no metrics, so there is nothing to judge " + s.rolloutId()
            + " on. Record the local proxy's EMF lines and judge those: ./canaryctl serve --config "
            + state.directory().resolve("config.json") + " > serve.log (send traffic to it), then ./canaryctl"
            + " compare " + s.rolloutId() + " --local --metrics serve.log. ./canaryctl demo shows whole rollouts"
            + " with their tables.");
        return FAILED;
      }
      EmfLog log;
      try {
        log = EmfLog.read(Path.of(metricsFile));
      } catch (IOException e) {
        err.println("canaryctl compare: cannot read " + metricsFile + ": " + e.getMessage());
        return FAILED;
      }
      if (log.empty()) {
        err.println("canaryctl compare: no EMF metric lines in " + metricsFile + " (the lines ./canaryctl serve"
            + " prints with \"_aws\" in them)");
        return FAILED;
      }
      // the log's own clock: a recorded log judged later still shows its traffic
      Instant now = Instant.ofEpochMilli(log.lastMillis()).plusSeconds(60);
      Window w = window(hours, s.stageStartedAt(), s.status().isTerminal() ? s.updatedAt() : null, now);
      Guardrails g = HealthCheck.guardrailsFor(s, state.config());
      String from = HealthCheck.deploysGuardrailsOf(s, state.config()) ? "deployed config" : "defaults";
      MetricsQuery q = log.metrics();
      JudgeInput input = q.fetch(s.application(), s.rolloutId(), w.from(), w.to());
      Verdict v = policy.rollbackCheck(input, g);
      Map<String, Object> where = new LinkedHashMap<>();
      where.put("state", state.directory().toString());
      where.put("metrics", metricsFile);
      return print(s.application(), s.rolloutId(), s.status().name(), RolloutStateMachine.describe(s), w, from, input,
          v, where, promotion.json, out, "(local state " + state.directory() + ", metrics " + metricsFile + ")");
    }
  }

  /** What was judged: [from, to), and why those bounds. */
  record Window(Instant from, Instant to, String basis) {}

  static Window window(Optional<Duration> hours, Instant stageStartedAt, Instant endedAt, Instant now) {
    if (hours.isPresent()) {
      return new Window(now.minus(hours.get()), now, "the last " + hours.get().toHours() + " hours");
    }
    Instant to = endedAt != null && endedAt.isBefore(now) ? endedAt : now;
    Instant from = stageStartedAt == null ? to.minus(Duration.ofHours(1)) : stageStartedAt;
    return new Window(from, to, endedAt != null ? "the last stage, from its start until the rollout ended"
        : "since the stage began, the health check's window");
  }

  private static int print(String application, String rolloutId, String status, String description, Window w,
      String guardrailsFrom, JudgeInput input, Verdict v, Map<String, Object> where, boolean json, PrintStream out,
      String whereText) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>(where);
      m.put("application", application);
      m.put("rolloutId", rolloutId);
      m.put("status", status);
      Map<String, Object> win = new LinkedHashMap<>();
      win.put("from", w.from().toString());
      win.put("to", w.to().toString());
      win.put("basis", w.basis());
      m.put("window", win);
      m.put("guardrailsFrom", guardrailsFrom);
      Map<String, Object> requests = new LinkedHashMap<>();
      requests.put("stable", input.stage().stable().requests());
      requests.put("canary", input.stage().canary().requests());
      m.put("requests", requests);
      m.put("outcome", v.outcome().name());
      m.put("reason", v.reason());
      m.put("rows", v.rows().stream().map(CompareCommand::row).toList());
      m.put("table", v.table());
      out.println(JsonOutput.write(m));
      return OK;
    }
    out.println(application + "/" + rolloutId + "  " + description + "  " + whereText);
    out.println("  window: " + w.from() + " to " + w.to() + " (" + span(Duration.between(w.from(), w.to())) + ", "
        + w.basis() + ")");
    WindowStats st = input.stage();
    out.println("  requests: stable " + st.stable().requests() + ", canary " + st.canary().requests()
        + "; guardrails: " + guardrailsFrom);
    out.println("  verdict (the health check's rollback check): " + v.outcome() + ": " + v.reason());
    v.table().lines().forEach(l -> out.println("    " + l));
    if (empty(st.stable()) && empty(st.canary())) {
      out.println("  no requests of either version in the window: check the rollout id and the window (--hours),"
          + " and that the proxy serves this rollout");
    }
    return OK;
  }

  private static boolean empty(VersionStats s) {
    return s.requests() == 0;
  }

  static Map<String, Object> row(MetricRow r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("metric", r.metric().label());
    m.put("stable", JsonOutput.num(r.stable()));
    m.put("canary", JsonOutput.num(r.canary()));
    m.put("diffPercent", JsonOutput.num(r.diffPercent()));
    m.put("threshold", r.threshold());
    m.put("result", r.result().name());
    m.put("stableSamples", r.stableSamples());
    m.put("canarySamples", r.canarySamples());
    m.put("detail", r.detail());
    return m;
  }

  static String span(Duration d) {
    long m = d.toMinutes();
    return m >= 60 ? (m / 60) + "h " + (m % 60) + "m" : m + "m";
  }

  private static boolean isTerminal(String status) {
    try {
      return io.llmcanary.core.rollout.RolloutStatus.valueOf(status).isTerminal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Instant instant(JsonNode s, String field) {
    try {
      String v = Remote.text(s, field);
      return v.isEmpty() || v.equals("null") ? null : Instant.parse(v);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
