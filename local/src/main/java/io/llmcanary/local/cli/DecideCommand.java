package io.llmcanary.local.cli;

import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryctl approve|reject ROLLOUT [--reason ...]}: a person's decision on the stage that waits for
 * approval (local state). The same decision, with the same refusals, as the ApprovePromotion state machine and
 * the API route. {@code rollback} is an operator's abort at any stage. One picocli command each: {@link Approve},
 * {@link Reject}, {@link Rollback}.
 */
public abstract sealed class DecideCommand implements Subcommand
    permits DecideCommand.Approve, DecideCommand.Reject, DecideCommand.Rollback {

  // approve and reject answer the same approval request: the same usage, path, signature and refusals
  private static final String DECISION_USAGE = " ROLLOUT [--reason TEXT] [--stack NAME] [--region R] [--json]";
  private static final String DECISION_USAGE_LOCAL =
      " ROLLOUT [--reason TEXT] --local [--application APP] [--state DIR] [--json]";
  private static final String WAITING_STAGE = " the stage of ROLLOUT that waits for approval (on the stack: POST"
      + " /rollouts/ROLLOUT/";
  private static final String SIGNED = """
      , signed
      with your AWS credentials, so your IAM identity is the actor; with --local: the local state).
      """;
  private static final String REFUSED_UNLESS_WAITING = """
      Refused, with the reason, when the rollout was rolled back, rejected or finished, or when its stage is
      not waiting for approval (the workflow asks when the stage is over and its gate has run). The audit
      trail records who decided and why.""";

  /** {@code approve}, {@code reject} or {@code rollback} (an operator's abort at any stage): the command's name. */
  private final String decision = getClass().getAnnotation(Command.class).name();

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT", description = "the rollout id")
  String rolloutIdParameter;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit trail (and, for rollback, the"
      + " page; rollback requires it)")
  String reason;

  @Option(names = "--application", paramLabel = "APP", description = "the rollout's application, locally (default:"
      + " the config's; on the stack: the stack's ApplicationName output)")
  String application;

  @Mixin
  PromotionOptions promotion;

  @Command(name = "approve",
      header = "approve the stage waiting for approval: the canary moves to the next stage",
      customSynopsis = {"./canaryctl approve" + DECISION_USAGE, "       ./canaryctl approve" + DECISION_USAGE_LOCAL},
      description = "Approves" + WAITING_STAGE + "approve" + SIGNED + """
          The canary moves to the next stage (after the last one it becomes the new stable).
          """ + REFUSED_UNLESS_WAITING,
      exitCodeList = {"0:decided", "1:refused", "2:usage error"})
  public static final class Approve extends DecideCommand {}

  @Command(name = "reject",
      header = "reject the stage waiting for approval: the rollout ends, canary back to 0%%",
      customSynopsis = {"./canaryctl reject" + DECISION_USAGE, "       ./canaryctl reject" + DECISION_USAGE_LOCAL},
      description = "Rejects" + WAITING_STAGE + "reject" + SIGNED + """
          The rollout ends as REJECTED and the canary goes back to 0%%: every user gets the stable version.
          """ + REFUSED_UNLESS_WAITING,
      exitCodeList = {"0:decided", "1:refused", "2:usage error"})
  public static final class Reject extends DecideCommand {}

  @Command(name = "rollback",
      header = "roll a rollout back at any stage: canary 0%% at once, alert, the workflow ends",
      customSynopsis = {
          "./canaryctl rollback ROLLOUT --reason TEXT [--stack NAME] [--region R] [--json]",
          "       ./canaryctl rollback ROLLOUT --reason TEXT --local [--application APP] [--state DIR] [--json]"},
      description = """
          An operator's abort of ROLLOUT at any stage that has not ended (running or waiting for approval), through
          the same rollback action the health check uses: the rollout becomes ROLLED_BACK, the canary goes to 0%% at
          once, the team is paged and the waiting approval (if any) is failed so the workflow ends. Refused, with the
          reason, when the rollout has ended already. The audit trail records who and why: against the stack, your
          IAM identity (the request is SigV4-signed; POST /rollouts/ROLLOUT/rollback); locally, your user name.""",
      exitCodeList = {"0:rolled back", "1:refused", "2:usage error"})
  public static final class Rollback extends DecideCommand {}

  @Override
  public int run(PrintStream out, PrintStream err) {
    String rolloutId = RolloutOptions.required(rolloutIdParameter, decision);
    if (decision.equals("rollback") && (reason == null || reason.isBlank())) {
      throw new UsageException("rollback needs --reason TEXT: the page and the audit trail say why");
    }
    java.util.Optional<String> stack = promotion.where.stackName();
    if (stack.isPresent()) {
      return promotion.where.onStack(decision, stack.get(), err,
          t -> RemoteRollouts.decide(decision, rolloutId, reason, t, promotion.json, out, err));
    }
    try (LocalPromotionState state = promotion.open(null, err)) {
      state.catchUp();
      String app = application != null ? application : state.config().application();
      DecisionResult r;
      if (decision.equals("rollback")) {
        r = state.workflow().promotion().rollBack(app, rolloutId, PromotionOptions.actor(), reason);
        state.workflow().advanceAll();
      } else {
        r = state.workflow().decide(new Decide(app, rolloutId, decision, PromotionOptions.actor(),
            reason));
      }
      state.save();
      if (promotion.json) {
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
