package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.aws.cloudwatch.CloudWatchMetricsQuery;
import io.llmcanary.codec.GuardrailsJson;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutJson;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.health.RecordedMetrics;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.replay.Replay;
import io.llmcanary.core.replay.RolloutTimeline;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.local.aws.RolloutApi;
import io.llmcanary.local.promotion.LocalPromotionState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryctl replay ROLLOUT}: runs the rollout's checks again, one by one, as the health check and the gates
 * ran them, on the metrics they read (CloudWatch through the health check's own query, or an EMF log), with the
 * rollout's guardrails or others ({@code --guardrails FILE}): when would these guardrails have rolled the canary
 * back, and what would each gate have said.
 */
@Command(name = "replay",
    header = "re-run a rollout's checks on its recorded metrics with other guardrails: when would it have rolled back",
    customSynopsis = {
        "./canaryctl replay ROLLOUT [--guardrails FILE] [--from T] [--to T] [--stack NAME] [--region R] [--json]",
        "       ./canaryctl replay ROLLOUT --emf FILE [--history FILE] [--guardrails FILE] [--from T] [--to T] [--json]"},
    description = """
        Runs ROLLOUT's checks again, in the order they ran: at the time of each health check (every VERDICT of its
        audit trail) and each end-of-stage gate (every GATE), the same two windows are read the same way (since
        the stage began, and the last hour) and judged by the same judge, with the guardrails given. It prints
        each check whose outcome changes and each gate, every check where the replay disagrees with what was
        recorded, and the answer: the check at which these guardrails would have rolled back (the replay stops
        there: what followed would not have happened), or that they would not have.

        With the rollout's own guardrails a replay gives the recorded outcomes back; a difference means the
        metrics changed since (late data) or were not all read. With others it shows what tuning them would do.

        On the stack: the audit trail and the rollout's guardrails from GET /rollouts/ROLLOUT (signed), the
        metrics from CloudWatch with the health check's query (namespace: the stack's MetricsNamespace output).
        It reads what the health check read, two GetMetricData calls per check: a 4-day rollout's ~400 checks
        request about 21,000 metrics, about $0.21 at CloudWatch's $0.01 per 1,000; --from/--to narrow it.
        Offline (--emf): the metrics from an EMF log (the proxies' lines, one JSON object per line, as
        `aws logs tail` or ./canaryctl serve prints them; other lines are skipped), the timeline from --history
        (what ./canaryctl history ROLLOUT --json prints), else from the local state when it holds ROLLOUT, else a
        health check every 15 minutes over the log as one stage. ./canaryctl simulate --record DIR leaves both.""",
    exitCodeList = {"0:replayed", "1:the rollout, its trail or its metrics could not be read", "2:usage error"})
public final class ReplayCommand implements Subcommand {

  static final String EMF_FILE = "metrics.emf.log";
  static final String HISTORY_FILE = "history.json";

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT", description = "the rollout id")
  String rolloutId;

  @Option(names = "--guardrails", paramLabel = "FILE", description = "JSON: the guardrails object, in part or whole"
      + " (the rest keep the defaults), or a whole rollout config with one (default: the rollout's own; offline, the"
      + " defaults)")
  String guardrails;

  @Option(names = "--from", paramLabel = "T", description = "only the checks from T on: an ISO-8601 instant, e.g."
      + " 2026-11-26T09:00:00Z")
  String fromOption;

  @Option(names = "--to", paramLabel = "T", description = "only the checks until T: an ISO-8601 instant")
  String toOption;

  @Option(names = "--emf", paramLabel = "FILE", description = "replay offline on this EMF log instead of CloudWatch")
  String emf;

  @Option(names = "--history", paramLabel = "FILE", description = "with --emf: the audit trail as ./canaryctl"
      + " history ROLLOUT --json prints it")
  String history;

  @Mixin
  RolloutOptions where;

  @Option(names = "--json", description = "{\"rolloutId\", \"guardrails\", \"checks\": [...], \"rollback\","
      + " \"gates\", \"differing\"}")
  boolean json;

  @Override
  public int run(PrintStream out, PrintStream err) {
    String id = RolloutOptions.required(rolloutId, "replay");
    Instant from = instant("--from", fromOption);
    Instant to = instant("--to", toOption);
    if (from != null && to != null && to.isBefore(from)) {
      throw new UsageException("--to " + to + " is before --from " + from);
    }
    if (history != null && emf == null) {
      throw new UsageException("--history goes with --emf (on the stack the audit trail comes from its API)");
    }
    Optional<Guardrails> given;
    try {
      given = guardrailsFile(guardrails);
    } catch (IllegalArgumentException | IOException e) {
      err.println("canaryctl replay: --guardrails " + guardrails + ": " + e.getMessage());
      return FAILED;
    }
    Source source;
    try {
      Optional<Source> s = emf != null ? offline(id, err) : stack(id, err);
      if (s.isEmpty()) {
        return FAILED;
      }
      source = s.get();
    } catch (IllegalArgumentException | IOException e) {
      err.println("canaryctl replay: " + e.getMessage());
      return FAILED;
    }
    Guardrails g = given.orElse(source.guardrails());
    String gName = given.isPresent() ? guardrails : source.guardrailsName();
    RolloutTimeline timeline = source.timeline().between(from, to);
    if (timeline.checks().isEmpty()) {
      err.println("canaryctl replay: no checks of " + id + " to replay" + (from != null || to != null
          ? " between " + (from == null ? "the start" : from) + " and " + (to == null ? "the end" : to)
          + " (widen --from/--to)" : " (its audit trail has no VERDICT or GATE yet)"));
      return FAILED;
    }
    Replay.Result r;
    try {
      r = new Replay(source.metrics(), new SequentialJudge()).run(timeline, g);
    } catch (RuntimeException e) {
      err.println("canaryctl replay: could not read the metrics of " + id + " (" + source.describe() + "): "
          + e.getMessage());
      return FAILED;
    }
    if (json) {
      out.println(JsonOutput.write(json(id, gName, g, source, r)));
    } else {
      print(id, gName, source, r, out);
    }
    return OK;
  }

  /** Where the replay reads from: the timeline, the metrics, and the guardrails the rollout ran with. */
  private record Source(RolloutTimeline timeline, MetricsQuery metrics, Guardrails guardrails, String guardrailsName,
      String describe) {}

  private Optional<Source> stack(String id, PrintStream err) {
    Optional<String> stack = where.stackName();
    if (stack.isEmpty()) {
      err.println("canaryctl replay: no stack to read " + id + " from (no --stack and no samconfig.toml) and no"
          + " --emf log: give --stack NAME, or replay a log offline with --emf FILE");
      return Optional.empty();
    }
    Optional<Remote.Target> connected = where.connect("replay", stack.get(), err);
    if (connected.isEmpty()) {
      return Optional.empty();
    }
    Remote.Target t = connected.get();
    RolloutApi.Response resp = t.api().get("/rollouts/" + RemoteRollouts.enc(id), t.stack().application());
    if (!resp.ok()) {
      Remote.refused("replay", resp, err);
      return Optional.empty();
    }
    JsonNode body = resp.body();
    String app = Remote.text(body, "application");
    List<AuditEvent> events = events(app, id, body.path("history"));
    Guardrails own = Guardrails.defaults();
    String ownName = "the defaults (the API did not say the rollout's own)";
    if (body.path("guardrails").isObject()) {
      own = GuardrailsJson.read(body.path("guardrails"));
      ownName = "the rollout's own (" + Remote.text(body, "guardrailsFrom") + ")";
    }
    String namespace = t.stack().outputs().get("MetricsNamespace");
    MetricsQuery q = new CloudWatchMetricsQuery(where.clients().cloudWatch().apply(t.stack().region()), namespace);
    return Optional.of(new Source(RolloutTimeline.fromAudit(app, id, events), q, own, ownName,
        "CloudWatch " + (namespace == null ? "" : namespace + " ") + "in " + t.stack().region() + ", stack "
            + t.stack().name()));
  }

  private Optional<Source> offline(String id, PrintStream err) throws IOException {
    Path log = Path.of(emf);
    EmfLog read = EmfLog.read(log, m -> id.equals(m.rolloutId()));
    RecordedMetrics metrics = read.metrics();
    long first = read.firstMillis();
    long last = read.lastMillis();
    String app = read.application();
    if (app == null) {
      err.println("canaryctl replay: no EMF lines of rollout " + id + " in " + log
          + " (the proxies write one per request, with \"Rollout\": \"" + id + "\")");
      return Optional.empty();
    }
    RolloutTimeline timeline;
    String timelineFrom;
    String h = history;
    if (h != null) {
      JsonNode doc = Json.MAPPER.readTree(Files.readString(Path.of(h)));
      if (doc == null || !doc.path("events").isArray()) {
        throw new IllegalArgumentException("--history " + h + ": expected what ./canaryctl history " + id
            + " --json prints ({\"events\": [...]})");
      }
      if (doc.hasNonNull("rolloutId") && !id.equals(doc.path("rolloutId").asText())) {
        throw new IllegalArgumentException("--history " + h + " is the trail of " + doc.path("rolloutId").asText()
            + ", not " + id);
      }
      timeline = RolloutTimeline.fromAudit(app, id, events(app, id, doc.path("events")));
      timelineFrom = "the audit trail in " + h;
    } else {
      Optional<List<AuditEvent>> local = localHistory(id, where.state);
      if (local.isPresent()) {
        timeline = RolloutTimeline.fromAudit(app, id, local.get());
        timelineFrom = "the local state's audit trail";
      } else {
        Instant start = Instant.ofEpochMilli(first).truncatedTo(ChronoUnit.MINUTES);
        timeline = RolloutTimeline.every(app, id, start, Instant.ofEpochMilli(last).plus(Duration.ofMinutes(15)),
            Duration.ofMinutes(15));
        timelineFrom = "a health check every 15 minutes from " + start + " (no --history, and the local state does not"
            + " hold " + id + ")";
      }
    }
    return Optional.of(new Source(timeline, metrics, Guardrails.defaults(), "the defaults",
        metrics.size() + " EMF records of " + log + ", timeline from " + timelineFrom));
  }

  private static Optional<List<AuditEvent>> localHistory(String id, StateOptions a) {
    Path dir = a.dir();
    if (!Files.exists(dir.resolve("state.json"))) {
      return Optional.empty();
    }
    try (LocalPromotionState state = LocalPromotionState.open(dir, null, java.time.Clock.systemUTC(), alert -> {})) {
      Optional<InProcessWorkflow.Execution> e = state.workflow().executions().stream()
          .filter(x -> x.rolloutId().equals(id)).findFirst();
      return e.map(x -> state.store().history(x.application(), id));
    }
  }

  private static List<AuditEvent> events(String app, String id, JsonNode array) {
    List<AuditEvent> events = new ArrayList<>();
    for (JsonNode e : array) {
      events.add(RolloutJson.eventFrom(app, id, e));
    }
    return events;
  }

  private static Optional<Guardrails> guardrailsFile(String f) throws IOException {
    if (f == null) {
      return Optional.empty();
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(Files.readString(Path.of(f)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("guardrails must be a JSON object, e.g. {\"rollbackErrorRateRatio\": 1.5}");
    }
    return Optional.of(GuardrailsJson.read(n.has("guardrails") ? n.get("guardrails") : n));
  }

  private static Instant instant(String name, String v) {
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new UsageException(name + " must be an ISO-8601 instant such as 2026-11-26T09:00:00Z, got "
          + v);
    }
  }

  private static void print(String id, String gName, Source source, Replay.Result r, PrintStream out) {
    out.println("Replay of " + id + " (guardrails: " + gName + ") on " + source.describe());
    out.println();
    String previous = null;
    for (Replay.Check c : r.checks()) {
      boolean gate = c.kind() == Verdict.Kind.PROMOTION_GATE;
      String outcome = c.outcome().name();
      if (gate || c.differs() || !outcome.equals(previous) || c == r.checks().get(r.checks().size() - 1)) {
        out.println(line(c));
      }
      if (!gate) {
        previous = outcome;
      }
    }
    out.println();
    out.printf(Locale.ROOT, "%d of %d checks replayed; %d differ from what was recorded%s%n", r.checks().size(),
        r.ofRecorded(), r.differing(),
        r.firstDifference().map(c -> " (first: check " + c.number() + " at " + c.at() + ")").orElse(""));
    for (Replay.Check g : r.gates()) {
      out.println("gate of stage " + (g.stageIndex() + 1) + " at " + g.at() + ": " + g.outcome()
          + g.recorded().map(o -> " (recorded " + o + ")").orElse(""));
    }
    if (r.rollback().isPresent()) {
      Replay.Check c = r.rollback().get();
      out.println("would have rolled back at check " + c.number() + " (" + c.at() + ", stage " + (c.stageIndex() + 1)
          + (c.kind() == Verdict.Kind.PROMOTION_GATE ? ", its gate" : "") + "): " + c.replayed().reason());
      c.replayed().table().lines().forEach(l -> out.println("    " + l));
    } else {
      Replay.Check c = r.checks().get(r.checks().size() - 1);
      out.println("would not have rolled back by " + c.at() + "; last check: " + c.outcome() + ": "
          + c.replayed().reason());
      c.replayed().table().lines().forEach(l -> out.println("    " + l));
    }
  }

  private static String line(Replay.Check c) {
    return String.format(Locale.ROOT, "  check %4d  %s  stage %d  %-5s %-12s%s  %s", c.number(), c.at(),
        c.stageIndex() + 1, c.kind() == Verdict.Kind.PROMOTION_GATE ? "gate" : "check", c.outcome(),
        c.recorded().map(o -> c.differs() ? "  (recorded " + o + ")" : "").orElse(""), c.replayed().reason());
  }

  private static Map<String, Object> json(String id, String gName, Guardrails g, Source source, Replay.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rolloutId", id);
    m.put("source", source.describe());
    m.put("guardrailsFrom", gName);
    m.put("guardrails", g);
    m.put("checks", r.checks().stream().map(ReplayCommand::check).toList());
    m.put("rollback", r.rollback().map(ReplayCommand::check).orElse(null));
    m.put("gates", r.gates().stream().map(ReplayCommand::check).toList());
    m.put("replayed", r.checks().size());
    m.put("recorded", r.ofRecorded());
    m.put("differing", r.differing());
    return m;
  }

  private static Map<String, Object> check(Replay.Check c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("number", c.number());
    m.put("at", c.at().toString());
    m.put("stage", c.stageIndex() + 1);
    m.put("kind", c.kind() == Verdict.Kind.PROMOTION_GATE ? "gate" : "check");
    m.put("windowFrom", c.windowFrom().toString());
    m.put("recorded", c.recorded().map(Enum::name).orElse(null));
    m.put("outcome", c.outcome().name());
    m.put("differs", c.differs());
    m.put("reason", c.replayed().reason());
    m.put("table", c.replayed().table());
    return m;
  }
}
