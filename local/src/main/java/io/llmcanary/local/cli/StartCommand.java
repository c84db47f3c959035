package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.ChangeReportJson;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.codec.StartRequestCodec;
import io.llmcanary.core.change.CanaryNeed;
import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.promotion.ConfigCheck;
import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.promotion.StartRequest;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryctl start ROLLOUT-CONFIG.json} or {@code --canary VERSION.json}: starts a rollout on the local state
 * (embedded defaults). First it says what the rollout changes against the stable version being served and whether
 * that needs a canary ({@link ChangeReport}); it refuses identical versions (unless {@code --allow-identical}) and
 * a change that needs no canary (unless {@code --yes}). Then it checks the version against the config schema,
 * refuses while another rollout is active, writes the config at the first stage and starts the local promotion
 * workflow.
 */
@Command(name = "start",
    header = "start a rollout of a new canary version",
    customSynopsis = {
        "./canaryctl start ROLLOUT-CONFIG.json [options]",
        "       ./canaryctl start --canary VERSION.json [options]",
        "  options: [--id ROLLOUT] [--reason TEXT] [--config BASE.json] [--allow-identical] [--yes]",
        "           [--stage-seconds N] [--max-inconclusive-waits N] [--approval-timeout-seconds N]",
        "           [--stack NAME] [--region R] | [--local] [--state DIR]   [--json]"},
    description = """
        On the stack: the canary version is checked against the rollout config schema here first (a misspelt field
        is named), then sent to the rollout API (POST /rollouts, SigV4-signed): the promotion function compares,
        refuses or starts the rollout and its Step Functions workflow, with your IAM identity as the actor. The
        --stage-seconds, --config, --allow-identical and --yes options are for the local state only.

        With --local: starts a rollout on the local state. First it prints what the rollout changes against the
        stable version being served (system prompt with the size of the edit, few-shot examples, model with the
        price ratio, provider, temperature, max tokens), whether that needs a canary (needed / maybe / not needed,
        and why), and which rows of the comparison table to watch. Identical versions are refused (an A/A rollout
        on purpose needs --allow-identical); a change that needs no canary (max tokens only) is refused unless
        --yes. Then the canary version is checked against the rollout config schema (the one AppConfig validates
        with; a misspelt field is named), refused while another rollout of the application is active, written into
        the config at the first stage (5%% by default), and the local promotion workflow starts: the same states as
        the Step Functions one (apply stage, wait, gate, ask for approval, next stage ... finalize), moved on by
        each canaryctl command as time passes.

        ROLLOUT-CONFIG.json is a whole rollout config, like infrastructure/appconfig/rollout-config.example.json:
        its versions.canary is rolled out with its pricing, stages, rolloutId and application; the stable version
        is the one being served (a fresh local state starts from this file's stable).
        VERSION.json is a version object as it stands under versions.canary, e.g.
          {"model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "systemPrompt": "Be brief.", "maxTokens": 512}
        or an envelope {"canary": {...}, "pricing": {"model": {...}}, "stages": [10, 50, 100], "rolloutId": "..."}.
        Example: docs/canary-version.example.json""",
    footer = """

        With --json the answer carries "change": the changes, the recommendation and the rows to watch.
        Locally no metrics reach the gate, so each stage ends with an approval request after its waits.""",
    exitCodeList = {"0:started", "1:refused", "2:usage error"})
public final class StartCommand implements Subcommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT-CONFIG.json", description = "a whole rollout config"
      + " (or give --canary)")
  String configFile;

  @Option(names = "--canary", paramLabel = "FILE", description = "the new version (instead of a rollout config)")
  String canaryFile;

  @Option(names = "--id", paramLabel = "ROLLOUT", description = "the rollout id (default: the config's rolloutId,"
      + " else rollout-YYYYMMDD-HHMMSS, UTC)")
  String id;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit trail")
  String reason;

  @Option(names = "--config", paramLabel = "FILE", description = "the config whose stable version a fresh state"
      + " starts from (default: ROLLOUT-CONFIG.json, else infrastructure/appconfig/rollout-config.example.json)")
  String base;

  @Option(names = "--allow-identical", description = "start even though canary and stable are the same version (an"
      + " A/A test)")
  boolean allowIdentical;

  @Option(names = "--yes", description = "start even though the change needs no canary (e.g. max tokens only)")
  boolean yes;

  @Option(names = "--stage-seconds", paramLabel = "N", description = "how long each stage runs before its gate"
      + " (default 86400)")
  Long stageSeconds;

  @Option(names = "--max-inconclusive-waits", paramLabel = "N", description = "extra waits on an inconclusive gate"
      + " before a person is asked (default 2)")
  Long maxInconclusiveWaits;

  @Option(names = "--approval-timeout-seconds", paramLabel = "N", description = "how long a decision may take"
      + " before the rollout is rejected (default 604800)")
  Long approvalTimeoutSeconds;

  @Mixin
  PromotionOptions promotion;

  @Override
  public int run(PrintStream out, PrintStream err) {
    String canaryFile = this.canaryFile;
    String configFile = this.configFile;
    if (canaryFile != null && configFile != null) {
      throw new UsageException("give either a rollout config file or --canary VERSION.json, not both");
    }
    if (canaryFile == null && configFile == null) {
      throw new UsageException("--canary VERSION.json is required, or a rollout config file as the argument");
    }
    String file = canaryFile != null ? canaryFile : configFile;
    JsonNode doc;
    try {
      doc = Json.MAPPER.readTree(Files.readString(Path.of(file)));
    } catch (IOException e) {
      err.println("canaryctl start: cannot read " + file + ": " + e.getMessage());
      return FAILED;
    }
    RolloutConfig given = null;
    if (configFile != null && doc != null && doc.has("versions")) {
      switch (RolloutConfigCodec.parse(doc)) {
        case RolloutConfigCodec.Parsed.Invalid bad -> {
          err.println("canaryctl start: " + file + " is not a valid rollout config: " + bad.summary());
          return FAILED;
        }
        case RolloutConfigCodec.Parsed.Valid v -> given = v.config();
      }
      if (given.version(Variant.CANARY).isEmpty()) {
        err.println("canaryctl start: " + file + " has no versions.canary: nothing to roll out");
        return FAILED;
      }
      doc = envelope(doc);
    }
    StartRequestCodec.Read read = StartRequestCodec.read(doc, id, null, PromotionOptions.actor(), reason);
    if (read instanceof StartRequestCodec.Read.Invalid bad) {
      err.println("canaryctl start: " + file + " is not a canary version: " + bad.summary());
      return FAILED;
    }
    StartRequestCodec.Read.Ok ok = (StartRequestCodec.Read.Ok) read;
    var request = ok.request();
    if (request.rolloutId() == null) {
      request = new StartRequest(request.application(), "rollout-"
          + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")), request.canary(),
          request.pricing(), request.stages(), request.actor(), request.reason());
    }
    Optional<String> stack = promotion.where.stackName();
    if (stack.isPresent()) {
      return startOnStack(stack.get(), doc, request, ok.check(), out, err, file);
    }
    Path baseline = base != null ? Path.of(base) : given != null ? Path.of(file) : null;
    try (LocalPromotionState state = promotion.open(baseline, err)) {
      state.catchUp();
      LocalPromotionState.Settings s = state.settings();
      LocalPromotionState.Settings wanted = new LocalPromotionState.Settings(
          UsageException.within("--stage-seconds", stageSeconds, s.stageSeconds(), 1, 365L * 86_400),
          (int) UsageException.within("--max-inconclusive-waits", maxInconclusiveWaits, s.maxInconclusiveWaits(), 0,
              100),
          UsageException.within("--approval-timeout-seconds", approvalTimeoutSeconds, s.approvalTimeoutSeconds(), 1,
              365L * 86_400));
      try {
        state.settings(wanted);
      } catch (IllegalStateException e) {
        err.println("canaryctl start: " + e.getMessage());
        return FAILED;
      }
      if (state.seededFrom() != null && !promotion.json) {
        out.println("(new local state in " + state.directory() + ": the stable version comes from " + state.seededFrom() + ")");
      }
      Optional<ChangeReport> change = changeReport(state.config(), request, ok.check());
      if (!promotion.json) {
        change.ifPresent(c -> out.print(c.render()));
        otherStable(given, state.config()).ifPresent(note -> out.println("(note: " + note + ")"));
      }
      String refusal = change.map(this::refusal).orElse(null);
      if (refusal != null) {
        state.save();
        if (promotion.json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("applied", false);
          m.put("message", refusal);
          m.put("rolloutId", request.rolloutId());
          m.put("change", ChangeReportJson.toMap(change.get()));
          out.println(JsonOutput.write(m));
        } else {
          err.println("canaryctl start: refused: " + refusal);
        }
        return FAILED;
      }
      InProcessWorkflow wf = state.workflow();
      DecisionResult r = wf.start(request, ok.check());
      state.save();
      if (promotion.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", r.applied());
        m.put("message", r.message());
        m.put("rolloutId", r.rolloutId());
        m.put("canaryPercent", r.percent());
        m.put("state", state.directory().toString());
        m.put("change", change.map(ChangeReportJson::toMap).orElse(null));
        state.store().get(r.application(), r.rolloutId()).ifPresent(st ->
            m.put("rollout", RolloutText.rollout(st, wf.execution(st.application(), st.rolloutId()), "./canaryctl")));
        out.println(JsonOutput.write(m));
      } else if (r.applied()) {
        out.println(r.message());
        out.println("Watch: ./canaryctl status " + r.rolloutId() + "   (" + RolloutText.workflowLine(
            wf.execution(r.application(), r.rolloutId()), "./canaryctl") + ")");
        out.println("Serve it: ./canaryctl serve --config " + state.directory().resolve("config.json"));
        out.println("History: ./canaryctl history " + r.rolloutId());
      } else {
        err.println("canaryctl start: refused: " + r.message());
      }
      return r.applied() ? OK : FAILED;
    }
  }

  /**
   * What the rollout changes against the stable version being served, with the pricing the start would use; empty
   * when there is no stable version or the canary is not valid (the start then refuses, naming the field, and a
   * summary of a version read in part would mislead).
   */
  static Optional<ChangeReport> changeReport(RolloutConfig current, StartRequest request, ConfigCheck check) {
    Optional<VersionSpec> stable = current.version(Variant.STABLE);
    if (stable.isEmpty()) {
      return Optional.empty();
    }
    Map<String, ModelPrice> pricing = new LinkedHashMap<>(current.pricing());
    pricing.putAll(request.pricing());
    List<Double> stages = request.stages() != null ? request.stages() : current.stages();
    RolloutConfig candidate = new RolloutConfig(RolloutConfig.SCHEMA_VERSION, current.application(),
        request.rolloutId(), stages.isEmpty() ? 0 : stages.get(0), null,
        Map.of(Variant.STABLE.wireName(), stable.get(), Variant.CANARY.wireName(), request.canary()), pricing,
        current.guardrails(), stages, current.fallbackToStable());
    if (!check.check(candidate).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ChangeReport.compare(stable.get(), request.canary(), pricing));
  }

  /** Why the change alone refuses this start, or null. */
  private String refusal(ChangeReport c) {
    if (c.identical() && !allowIdentical) {
      return "the canary is the same version as the stable one being served: " + c.recommendation().reason()
          + ". To run an A/A rollout on purpose, pass --allow-identical.";
    }
    if (!c.identical() && c.need() == CanaryNeed.NOT_NEEDED && !yes) {
      return "this change needs no canary: " + c.recommendation().reason() + ". To start the rollout anyway, pass --yes.";
    }
    return null;
  }

  /** A note when the file's stable is not the one being served, since the changes are against the served one. */
  private static Optional<String> otherStable(RolloutConfig given, RolloutConfig current) {
    if (given == null) {
      return Optional.empty();
    }
    Optional<VersionSpec> fileStable = given.version(Variant.STABLE);
    Optional<VersionSpec> served = current.version(Variant.STABLE);
    if (fileStable.isEmpty() || served.isEmpty() || fileStable.equals(served)) {
      return Optional.empty();
    }
    return Optional.of("the file's versions.stable is not the stable version being served; the changes above are"
        + " against the served one, " + served.get().model());
  }

  /** Checks the version against the schema here, then POST /rollouts on the stack's API. */
  private int startOnStack(String stackName, JsonNode doc, StartRequest request, ConfigCheck check,
      PrintStream out, PrintStream err, String file) {
    List<Double> stages = request.stages() != null ? request.stages() : List.of(5.0, 25.0, 50.0, 100.0);
    RolloutConfig candidate = new RolloutConfig(RolloutConfig.SCHEMA_VERSION, RolloutConfig.DEFAULT_APPLICATION,
        request.rolloutId(), stages.get(0), null,
        Map.of(Variant.STABLE.wireName(), request.canary(), Variant.CANARY.wireName(), request.canary()),
        request.pricing(), io.llmcanary.core.config.Guardrails.defaults(), stages, true);
    // the version's own fields; pricing may come from the config the stack serves, which the function checks
    var errors = check.check(candidate).stream().filter(e -> !e.field().startsWith("pricing")).toList();
    if (!errors.isEmpty()) {
      err.println("canaryctl start: " + file + " is not a valid canary version: " + errors.stream()
          .map(Object::toString).collect(java.util.stream.Collectors.joining("; ")));
      return FAILED;
    }
    ObjectNode envelope = doc.has("canary") ? ((ObjectNode) doc).deepCopy()
        : Json.MAPPER.createObjectNode().set("canary", doc);
    envelope.remove("application"); // the stack's application (its ApplicationName output)
    envelope.put("rolloutId", request.rolloutId());
    if (request.reason() != null) {
      envelope.put("reason", request.reason());
    }
    return promotion.where.onStack("start", stackName, err,
        t -> RemoteRollouts.start(envelope, t, promotion.json, out, err));
  }

  /** A whole rollout config as the start envelope: its canary, pricing, stages, rollout id and application. */
  private static JsonNode envelope(JsonNode config) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.set("canary", config.path("versions").path("canary"));
    for (String field : List.of("pricing", "stages", "rolloutId", "application")) {
      if (config.hasNonNull(field)) {
        e.set(field, config.get(field));
      }
    }
    return e;
  }
}
