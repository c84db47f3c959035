package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.StartRequestCodec;
import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.InProcessWorkflow;
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
import java.util.Set;

/**
 * {@code canaryctl start --canary VERSION.json}: starts a rollout on the local state (embedded defaults): checks
 * the version against the config schema, refuses while another rollout is active, writes the config at the
 * first stage and starts the local promotion workflow.
 */
public final class StartCommand implements Command {

  @Override
  public String name() {
    return "start";
  }

  @Override
  public String summary() {
    return "start a rollout of a new canary version (local state)";
  }

  @Override
  public String help() {
    return """
        Usage: ./canaryctl start --canary VERSION.json [--id ROLLOUT] [--reason TEXT] [--config BASE.json]
                                 [--stage-seconds N] [--max-inconclusive-waits N] [--approval-timeout-seconds N]
                                 [--state DIR] [--json]

        Starts a rollout on the local state: the canary version is checked against the rollout config schema
        (the one AppConfig validates with; a misspelt field is named), refused while another rollout of the
        application is active, written into the config at the first stage (5% by default), and the local
        promotion workflow starts: the same states as the Step Functions one (apply stage, wait, gate, ask for
        approval, next stage ... finalize), moved on by each canaryctl command as time passes.

        VERSION.json is a version object as it stands under versions.canary, e.g.
          {"model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "systemPrompt": "Be brief.", "maxTokens": 512}
        or an envelope {"canary": {...}, "pricing": {"model": {...}}, "stages": [10, 50, 100], "rolloutId": "..."}.
        Example: docs/canary-version.example.json

        Options:
          --canary FILE                   the new version (required)
          --id ROLLOUT                    the rollout id (default: rollout-YYYYMMDD-HHMMSS, UTC)
          --reason TEXT                   why, for the audit trail
          --config FILE                   the config whose stable version a fresh state starts from
                                          (default: infrastructure/appconfig/rollout-config.example.json)
          --stage-seconds N               how long each stage runs before its gate (default 86400)
          --max-inconclusive-waits N      extra waits on an inconclusive gate before a person is asked (default 2)
          --approval-timeout-seconds N    how long a decision may take before the rollout is rejected (default 604800)
        """ + PromotionOptions.STATE_HELP + """

        Locally no metrics reach the gate, so each stage ends with an approval request after its waits.
        Exit codes: 0 started, 1 refused, 2 usage error.
        """;
  }

  @Override
  public int run(List<String> argv, PrintStream out, PrintStream err) {
    Args a = Args.parse(argv, PromotionOptions.FLAGS, Set.of("canary", "id", "reason", "config", "stage-seconds",
        "max-inconclusive-waits", "approval-timeout-seconds", "state"));
    if (!a.positionals().isEmpty()) {
      throw new Args.UsageException("start takes no positional arguments, got " + a.positionals());
    }
    String file = a.option("canary", null);
    if (file == null) {
      throw new Args.UsageException("--canary VERSION.json is required");
    }
    JsonNode doc;
    try {
      doc = Json.MAPPER.readTree(Files.readString(Path.of(file)));
    } catch (IOException e) {
      err.println("canaryctl start: cannot read " + file + ": " + e.getMessage());
      return FAILED;
    }
    String id = a.option("id", null);
    StartRequestCodec.Read read = StartRequestCodec.read(doc, id, null, PromotionOptions.actor(), a.option("reason", null));
    if (read instanceof StartRequestCodec.Read.Invalid bad) {
      err.println("canaryctl start: " + file + " is not a canary version: " + bad.summary());
      return FAILED;
    }
    StartRequestCodec.Read.Ok ok = (StartRequestCodec.Read.Ok) read;
    var request = ok.request();
    if (request.rolloutId() == null) {
      request = new io.llmcanary.core.promotion.StartRequest(request.application(), "rollout-"
          + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")), request.canary(),
          request.pricing(), request.stages(), request.actor(), request.reason());
    }
    String base = a.option("config", null);
    try (LocalPromotionState state = PromotionOptions.open(a, base == null ? null : Path.of(base), err)) {
      state.catchUp();
      LocalPromotionState.Settings s = state.settings();
      LocalPromotionState.Settings wanted = new LocalPromotionState.Settings(
          a.longOption("stage-seconds", s.stageSeconds(), 1, 365L * 86_400),
          (int) a.longOption("max-inconclusive-waits", s.maxInconclusiveWaits(), 0, 100),
          a.longOption("approval-timeout-seconds", s.approvalTimeoutSeconds(), 1, 365L * 86_400));
      try {
        state.settings(wanted);
      } catch (IllegalStateException e) {
        err.println("canaryctl start: " + e.getMessage());
        return FAILED;
      }
      if (state.seededFrom() != null && !a.flag("json")) {
        out.println("(new local state in " + state.directory() + ": the stable version comes from " + state.seededFrom() + ")");
      }
      InProcessWorkflow wf = state.workflow();
      DecisionResult r = wf.start(request, ok.check());
      state.save();
      if (a.flag("json")) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", r.applied());
        m.put("message", r.message());
        m.put("rolloutId", r.rolloutId());
        m.put("canaryPercent", r.percent());
        m.put("state", state.directory().toString());
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
}
