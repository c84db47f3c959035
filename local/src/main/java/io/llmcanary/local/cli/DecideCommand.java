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
  private final Remote.Clients clients;

  public DecideCommand(String decision) {
    this(decision, Remote.Clients.standard());
  }

  /** @param decision {@code approve}, {@code reject} or {@code rollback} (an operator's abort at any stage) */
  DecideCommand(String decision, Remote.Clients clients) {
    this.clients = clients;
    if (!decision.equals("approve") && !decision.equals("reject") && !decision.equals("rollback")) {
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
    return switch (decision) {
      case "approve" -> "approve the stage waiting for approval: the canary moves to the next stage";
      case "reject" -> "reject the stage waiting for approval: the rollout ends, canary back to 0%";
      default -> "roll a rollout back at any stage: canary 0% at once, alert, the workflow ends";
    };
  }

  @Override
  public String help() {
    if (decision.equals("rollback")) {
      return """
          Usage: ./canaryctl rollback ROLLOUT --reason TEXT [--stack NAME] [--region R] [--json]
                 ./canaryctl rollback ROLLOUT --reason TEXT --local [--application APP] [--state DIR] [--json]

          An operator's abort of ROLLOUT at any stage that has not ended (running or waiting for approval), through
          the same rollback action the health check uses: the rollout becomes ROLLED_BACK, the canary goes to 0% at
          once, the team is paged and the waiting approval (if any) is failed so the workflow ends. Refused, with the
          reason, when the rollout has ended already. The audit trail records who and why: against the stack, your
          IAM identity (the request is SigV4-signed; POST /rollouts/ROLLOUT/rollback); locally, your user name.

          Options:
            --reason TEXT       why, for the audit trail and the page (required)
            --application APP   the rollout's application, locally (default: the config's; on the stack: the
                                stack's ApplicationName output)
          """ + Remote.HELP + PromotionOptions.STATE_HELP + """

          Exit codes: 0 rolled back, 1 refused, 2 usage error.
          """;
    }
    String effect = decision.equals("approve")
        ? "The canary moves to the next stage (after the last one it becomes the new stable)."
        : "The rollout ends as REJECTED and the canary goes back to 0%: every user gets the stable version.";
    return """
        Usage: ./canaryctl %1$s ROLLOUT [--reason TEXT] [--stack NAME] [--region R] [--json]
               ./canaryctl %1$s ROLLOUT [--reason TEXT] --local [--application APP] [--state DIR] [--json]

        %2$s the stage of ROLLOUT that waits for approval (on the stack: POST /rollouts/ROLLOUT/%1$s, signed with
        your AWS credentials, so your IAM identity is the actor; with --local: the local state). %3$s
        Refused, with the reason, when the rollout was rolled back, rejected or finished, or when its stage is
        not waiting for approval (the workflow asks when the stage is over and its gate has run). The audit
        trail records who decided and why.

        Options:
          --reason TEXT       why, for the audit trail
          --application APP   the rollout's application, locally (default: the config's)
        """.formatted(decision, decision.equals("approve") ? "Approves" : "Rejects", effect)
        + Remote.HELP + PromotionOptions.STATE_HELP + """

        Exit codes: 0 decided, 1 refused, 2 usage error.
        """;
  }

  @Override
  public int run(List<String> argv, PrintStream out, PrintStream err) {
    Args a = Args.parse(argv, Remote.flags(PromotionOptions.FLAGS),
        Remote.valued(Set.of("reason", "application", "state")));
    if (a.positionals().size() != 1) {
      throw new Args.UsageException("expected one rollout id, e.g. " + decision + " concise-2026-11-26");
    }
    String rolloutId = a.positionals().get(0);
    java.util.Optional<String> stack = Remote.stackName(a, clients);
    if (stack.isPresent()) {
      String reason = a.option("reason", null);
      if (decision.equals("rollback") && (reason == null || reason.isBlank())) {
        throw new Args.UsageException("rollback needs --reason TEXT: the page and the audit trail say why");
      }
      return Remote.connect(decision, stack.get(), a, clients, err)
          .map(t -> RemoteRollouts.decide(decision, rolloutId, reason, t, a.flag("json"), out, err))
          .orElse(FAILED);
    }
    try (LocalPromotionState state = PromotionOptions.open(a, null, err)) {
      state.catchUp();
      String app = a.option("application", state.config().application());
      DecisionResult r;
      if (decision.equals("rollback")) {
        String reason = a.option("reason", null);
        if (reason == null || reason.isBlank()) {
          throw new Args.UsageException("rollback needs --reason TEXT: the page and the audit trail say why");
        }
        r = state.workflow().promotion().rollBack(app, rolloutId, PromotionOptions.actor(), reason);
        state.workflow().advanceAll();
      } else {
        r = state.workflow().decide(new Decide(app, rolloutId, decision, PromotionOptions.actor(),
            a.option("reason", null)));
      }
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
