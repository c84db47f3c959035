package io.llmcanary.local.cli;

import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
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
public abstract class DecideCommand implements Subcommand {

  private final String decision;
  private final Remote.Clients clients;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT", description = "the rollout id")
  String rolloutIdParameter;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit trail (and, for rollback, the"
      + " page; rollback requires it)")
  String reason;

  @Option(names = "--application", paramLabel = "APP", description = "the rollout's application, locally (default:"
      + " the config's; on the stack: the stack's ApplicationName output)")
  String application;

  @Mixin
  StackOptions where;

  @Mixin
  StateOptions stateOptions;

  @Option(names = "--json", description = "machine-readable output on stdout (alerts always go to stderr)")
  boolean json;

  /** @param decision {@code approve}, {@code reject} or {@code rollback} (an operator's abort at any stage) */
  DecideCommand(String decision, Remote.Clients clients) {
    this.clients = clients;
    if (!decision.equals("approve") && !decision.equals("reject") && !decision.equals("rollback")) {
      throw new IllegalArgumentException(decision);
    }
    this.decision = decision;
  }

  static DecideCommand of(String decision, Remote.Clients clients) {
    return switch (decision) {
      case "approve" -> new Approve(clients);
      case "reject" -> new Reject(clients);
      case "rollback" -> new Rollback(clients);
      default -> throw new IllegalArgumentException(decision);
    };
  }

  @Command(name = "approve",
      header = "approve the stage waiting for approval: the canary moves to the next stage",
      customSynopsis = {
          "./canaryctl approve ROLLOUT [--reason TEXT] [--stack NAME] [--region R] [--json]",
          "       ./canaryctl approve ROLLOUT [--reason TEXT] --local [--application APP] [--state DIR] [--json]"},
      description = """
          Approves the stage of ROLLOUT that waits for approval (on the stack: POST /rollouts/ROLLOUT/approve, signed
          with your AWS credentials, so your IAM identity is the actor; with --local: the local state). The canary
          moves to the next stage (after the last one it becomes the new stable).
          Refused, with the reason, when the rollout was rolled back, rejected or finished, or when its stage is
          not waiting for approval (the workflow asks when the stage is over and its gate has run). The audit
          trail records who decided and why.""",
      exitCodeList = {"0:decided", "1:refused", "2:usage error"})
  public static final class Approve extends DecideCommand {
    Approve(Remote.Clients clients) {
      super("approve", clients);
    }
  }

  @Command(name = "reject",
      header = "reject the stage waiting for approval: the rollout ends, canary back to 0%%",
      customSynopsis = {
          "./canaryctl reject ROLLOUT [--reason TEXT] [--stack NAME] [--region R] [--json]",
          "       ./canaryctl reject ROLLOUT [--reason TEXT] --local [--application APP] [--state DIR] [--json]"},
      description = """
          Rejects the stage of ROLLOUT that waits for approval (on the stack: POST /rollouts/ROLLOUT/reject, signed
          with your AWS credentials, so your IAM identity is the actor; with --local: the local state). The rollout
          ends as REJECTED and the canary goes back to 0%%: every user gets the stable version.
          Refused, with the reason, when the rollout was rolled back, rejected or finished, or when its stage is
          not waiting for approval (the workflow asks when the stage is over and its gate has run). The audit
          trail records who decided and why.""",
      exitCodeList = {"0:decided", "1:refused", "2:usage error"})
  public static final class Reject extends DecideCommand {
    Reject(Remote.Clients clients) {
      super("reject", clients);
    }
  }

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
  public static final class Rollback extends DecideCommand {
    Rollback(Remote.Clients clients) {
      super("rollback", clients);
    }
  }

  @Override
  public int run(PrintStream out, PrintStream err) {
    if (rolloutIdParameter == null) {
      throw new UsageException("expected one rollout id, e.g. " + decision + " concise-2026-11-26");
    }
    String rolloutId = rolloutIdParameter;
    java.util.Optional<String> stack = Remote.stackName(where, stateOptions, clients);
    if (stack.isPresent()) {
      String reason = this.reason;
      if (decision.equals("rollback") && (reason == null || reason.isBlank())) {
        throw new UsageException("rollback needs --reason TEXT: the page and the audit trail say why");
      }
      return Remote.connect(decision, stack.get(), where, clients, err)
          .map(t -> RemoteRollouts.decide(decision, rolloutId, reason, t, json, out, err))
          .orElse(FAILED);
    }
    try (LocalPromotionState state = PromotionOptions.open(stateOptions, null, err)) {
      state.catchUp();
      String app = application != null ? application : state.config().application();
      DecisionResult r;
      if (decision.equals("rollback")) {
        String reason = this.reason;
        if (reason == null || reason.isBlank()) {
          throw new UsageException("rollback needs --reason TEXT: the page and the audit trail say why");
        }
        r = state.workflow().promotion().rollBack(app, rolloutId, PromotionOptions.actor(), reason);
        state.workflow().advanceAll();
      } else {
        r = state.workflow().decide(new Decide(app, rolloutId, decision, PromotionOptions.actor(),
            reason));
      }
      state.save();
      if (json) {
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
