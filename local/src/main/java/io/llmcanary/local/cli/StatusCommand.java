package io.llmcanary.local.cli;

import io.llmcanary.codec.ChangeReportJson;
import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryctl status [ROLLOUT]}: on the stack, one rollout (with the latest verdict and the quality judge's cost) or
 * the list of them; on the local state, the rollouts, what their workflow waits for, what the
 * rollout in the config changes (recomputed from the config's stable and canary), and the config.
 */
@Command(name = "status",
    header = "show the rollouts, what each workflow waits for, the latest verdict and the quality judge's cost",
    customSynopsis = {
        "./canaryctl status [ROLLOUT] [--judge-call-price USD] [--stack NAME] [--region R] [--json]",
        "       ./canaryctl status [ROLLOUT] --local [--all] [--state DIR] [--json]"},
    description = """
        On the stack (GET /rollouts/ROLLOUT, signed): the rollout's state, stage and canary percent, what its
        workflow waits for (the end of the stage, or a person's decision, with the command that gives it), the
        latest verdict with its comparison table, what the quality judge has cost it (the answers it judged since
        the rollout started, from CloudWatch's JudgeScore and Preference sample counts, × the price of a judge
        call: one per absolute grade, two per pairwise comparison, plus the shadow stable answers at stable's mean
        cost), and a console link to its Step Functions execution. Without ROLLOUT (GET /rollouts): the
        application's active rollouts and its most recent ended one; exactly one active is shown as with ROLLOUT.

        With --local: shows the active rollouts of the local state (with ROLLOUT: that one, ended or not; with
        --all: every rollout), each with its stage and what its workflow waits for: the end of the stage (then the
        gate runs), or a person's decision, and for the rollout the config serves, what it changes (its canary
        against its stable: the changes, whether they need a canary, the rows to watch; in one line, or in full
        with ROLLOUT). The local workflow catches up with the clock first, so a stage whose time is over has its
        gate run now. The last line is the config as served.""",
    exitCodeList = {"0:shown", "1:no such rollout", "2:usage error"})
public final class StatusCommand implements Subcommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT", description = "the rollout id (default: the"
      + " active rollouts)")
  String rolloutId;

  @Option(names = "--all", description = "every rollout, ended ones too (--local)")
  boolean all;

  @Option(names = "--judge-call-price", paramLabel = "USD", description = "the price of one quality-judge call"
      + " (default: the stack's QualityJudgeCallPriceUsd output, else 0.0007, about 800 input and 20 output tokens"
      + " on Claude 3.5 Haiku)")
  Double judgeCallPrice;

  @Mixin
  PromotionOptions promotion;

  @Override
  public int run(PrintStream out, PrintStream err) {
    List<String> positionals = rolloutId == null ? List.of() : List.of(rolloutId);
    Optional<String> stack = promotion.where.stackName();
    if (stack.isPresent()) {
      Double price = judgeCallPrice == null ? null
          : UsageException.within("--judge-call-price", judgeCallPrice, RemoteRollouts.DEFAULT_JUDGE_CALL_PRICE_USD, 0,
              10);
      Remote.Clients clients = promotion.where.clients();
      return promotion.where.onStack("status", stack.get(), err, t -> positionals.isEmpty()
          ? RemoteRollouts.list(t, clients, price, promotion.json, out, err)
          : RemoteRollouts.status(positionals.get(0), t, clients, price, promotion.json, out, err));
    }
    if (judgeCallPrice != null) {
      throw new UsageException("--judge-call-price is for the stack: the local state counts no judged answers");
    }
    try (LocalPromotionState state = promotion.open(null, err)) {
      state.catchUp();
      state.save();
      InProcessWorkflow wf = state.workflow();
      List<RolloutState> shown = new ArrayList<>();
      if (positionals.size() == 1) {
        String id = positionals.get(0);
        Optional<RolloutState> s = wf.executions().stream().filter(e -> e.rolloutId().equals(id)).findFirst()
            .flatMap(e -> state.store().get(e.application(), e.rolloutId()));
        if (s.isEmpty()) {
          err.println("canaryctl status: no rollout " + id + " in " + state.directory());
          return FAILED;
        }
        shown.add(s.get());
      } else {
        for (InProcessWorkflow.Execution e : wf.executions()) {
          state.store().get(e.application(), e.rolloutId())
              .filter(s -> all || !s.status().isTerminal()).ifPresent(shown::add);
        }
      }
      if (promotion.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.directory().toString());
        m.put("rollouts", shown.stream().map(s -> {
          Map<String, Object> r = RolloutText.rollout(s, wf.execution(s.application(), s.rolloutId()), "./canaryctl");
          change(state.config(), s).ifPresent(ch -> r.put("change", ChangeReportJson.toMap(ch)));
          return r;
        }).toList());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("rolloutId", state.config().rolloutId());
        c.put("application", state.config().application());
        c.put("canaryPercent", state.config().canaryPercent());
        c.put("change", ChangeReport.of(state.config()).map(ChangeReportJson::toMap).orElse(null));
        m.put("config", c);
        out.println(JsonOutput.write(m));
        return OK;
      }
      if (shown.isEmpty()) {
        out.println("No active rollout in " + state.directory() + ". Start one: ./canaryctl start ROLLOUT-CONFIG.json"
            + " (or --canary VERSION.json)");
      }
      for (RolloutState s : shown) {
        out.println(s.application() + "/" + s.rolloutId() + "  " + RolloutStateMachine.describe(s)
            + (s.status().isTerminal() ? " at " + s.updatedAt() : " since " + s.stageStartedAt()));
        out.println("  workflow: " + RolloutText.workflowLine(wf.execution(s.application(), s.rolloutId()), "./canaryctl"));
        out.println("  last: " + s.reason());
        Optional<ChangeReport> change = change(state.config(), s);
        if (change.isPresent() && positionals.size() == 1) {
          change.get().render().lines().forEach(l -> out.println("  " + l));
        } else {
          change.ifPresent(ch -> out.println("  change: " + ch.oneLine()));
        }
      }
      out.println(RolloutText.configLine(state.config()));
      return OK;
    }
  }

  /** What a rollout changes, while the config still holds its versions (until it is promoted). */
  static Optional<ChangeReport> change(RolloutConfig config, RolloutState s) {
    if (!s.rolloutId().equals(config.rolloutId()) || !s.application().equals(config.application())) {
      return Optional.empty();
    }
    return ChangeReport.of(config);
  }
}
