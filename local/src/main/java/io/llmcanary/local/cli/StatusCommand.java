package io.llmcanary.local.cli;

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
import java.util.Set;

/** {@code canaryctl status [ROLLOUT]}: the rollouts of the local state, what their workflow waits for, the config. */
public final class StatusCommand implements Command {

  @Override
  public String name() {
    return "status";
  }

  @Override
  public String summary() {
    return "show the rollouts, what each workflow waits for, and the served config (local state)";
  }

  @Override
  public String help() {
    return """
        Usage: ./canaryctl status [ROLLOUT] [--all] [--state DIR] [--json]

        Shows the active rollouts of the local state (with ROLLOUT: that one, ended or not; with --all: every
        rollout), each with its stage and what its workflow waits for: the end of the stage (then the gate runs),
        or a person's decision. The local workflow catches up with the clock first, so a stage whose time is over
        has its gate run now. The last line is the config as served.

        Options:
          --all        every rollout, ended ones too
        """ + PromotionOptions.STATE_HELP + """

        Exit codes: 0 shown, 1 no such rollout, 2 usage error.
        """;
  }

  @Override
  public int run(List<String> argv, PrintStream out, PrintStream err) {
    Args a = Args.parse(argv, Set.of("json", "all"), Set.of("state"));
    if (a.positionals().size() > 1) {
      throw new Args.UsageException("expected at most one rollout id");
    }
    try (LocalPromotionState state = PromotionOptions.open(a, null, err)) {
      state.catchUp();
      state.save();
      InProcessWorkflow wf = state.workflow();
      List<RolloutState> shown = new ArrayList<>();
      if (a.positionals().size() == 1) {
        String id = a.positionals().get(0);
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
              .filter(s -> a.flag("all") || !s.status().isTerminal()).ifPresent(shown::add);
        }
      }
      if (a.flag("json")) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.directory().toString());
        m.put("rollouts", shown.stream().map(s -> RolloutText.rollout(s, wf.execution(s.application(), s.rolloutId()),
            "./canaryctl")).toList());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("rolloutId", state.config().rolloutId());
        c.put("application", state.config().application());
        c.put("canaryPercent", state.config().canaryPercent());
        m.put("config", c);
        out.println(JsonOutput.write(m));
        return OK;
      }
      if (shown.isEmpty()) {
        out.println("No active rollout in " + state.directory() + ". Start one: ./canaryctl start --canary VERSION.json");
      }
      for (RolloutState s : shown) {
        out.println(s.application() + "/" + s.rolloutId() + "  " + RolloutStateMachine.describe(s)
            + (s.status().isTerminal() ? " at " + s.updatedAt() : " since " + s.stageStartedAt()));
        out.println("  workflow: " + RolloutText.workflowLine(wf.execution(s.application(), s.rolloutId()), "./canaryctl"));
        out.println("  last: " + s.reason());
      }
      out.println(RolloutText.configLine(state.config()));
      return OK;
    }
  }
}
