package io.llmcanary.local.cli;

import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code canaryctl approve|reject ROLLOUT [--reason ...]}: a person's decision on the stage that waits for
 * approval (local state). The same decision, with the same refusals, as the ApprovePromotion state machine and
 * the API route.
 */
public final class DecideCommand implements Command {

  private final String decision;

  /** @param decision {@code approve} or {@code reject} */
  public DecideCommand(String decision) {
    if (!decision.equals("approve") && !decision.equals("reject")) {
      throw new IllegalArgumentException(decision);
    }
    this.decision = decision;
  }

  @Override
  public String name() {
    return decision;
  }

  @Override
  public String summary() {
    return decision.equals("approve") ? "approve the stage waiting for approval: the canary moves to the next stage"
        : "reject the stage waiting for approval: the rollout ends, canary back to 0%";
  }

  @Override
  public String help() {
    String effect = decision.equals("approve")
        ? "The canary moves to the next stage (after the last one it becomes the new stable)."
        : "The rollout ends as REJECTED and the canary goes back to 0%: every user gets the stable version.";
    return """
        Usage: ./canaryctl %1$s ROLLOUT [--reason TEXT] [--application APP] [--state DIR] [--json]

        %2$s the stage of ROLLOUT that waits for approval (local state). %3$s
        Refused, with the reason, when the rollout was rolled back, rejected or finished, or when its stage is
        not waiting for approval (the workflow asks when the stage is over and its gate has run). The audit
        trail records who decided (your user name) and why.

        Options:
          --reason TEXT       why, for the audit trail
          --application APP   the rollout's application (default: the config's)
        """.formatted(decision, decision.equals("approve") ? "Approves" : "Rejects", effect)
        + PromotionOptions.STATE_HELP + """

        Exit codes: 0 decided, 1 refused, 2 usage error.
        """;
  }

  @Override
  public int run(List<String> argv, PrintStream out, PrintStream err) {
    Args a = Args.parse(argv, PromotionOptions.FLAGS, Set.of("reason", "application", "state"));
    if (a.positionals().size() != 1) {
      throw new Args.UsageException("expected one rollout id, e.g. " + decision + " concise-2026-11-26");
    }
    String rolloutId = a.positionals().get(0);
    try (LocalPromotionState state = PromotionOptions.open(a, null, err)) {
      state.catchUp();
      String app = a.option("application", state.config().application());
      DecisionResult r = state.workflow().decide(new Decide(app, rolloutId, decision, PromotionOptions.actor(),
          a.option("reason", null)));
      state.save();
      if (a.flag("json")) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", r.applied());
        m.put("message", r.message());
        m.put("status", r.status());
        m.put("canaryPercent", state.config().canaryPercent());
        out.println(JsonOutput.write(m));
      } else if (r.applied()) {
        out.println(r.message());
        out.println(RolloutText.configLine(state.config()));
      } else {
        err.println("canaryctl " + decision + ": refused: " + r.message());
      }
      return r.applied() ? OK : FAILED;
    }
  }
}
