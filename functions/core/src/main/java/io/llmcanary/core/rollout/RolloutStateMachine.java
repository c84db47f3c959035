package io.llmcanary.core.rollout;

import io.llmcanary.core.rollout.RolloutCommand.Approve;
import io.llmcanary.core.rollout.RolloutCommand.Finalize;
import io.llmcanary.core.rollout.RolloutCommand.Reject;
import io.llmcanary.core.rollout.RolloutCommand.RequestApproval;
import io.llmcanary.core.rollout.RolloutCommand.RollBack;
import java.time.Instant;

/**
 * The rollout's legal moves (docs/architecture.md#rollout-state), as a pure function:
 *
 * <pre>
 * RUNNING(i) --RequestApproval--> AWAITING_APPROVAL(i) --Approve--> RUNNING(i+1) ... RUNNING(last) --Finalize--> PROMOTED
 * RUNNING | AWAITING_APPROVAL --RollBack--> ROLLED_BACK
 * AWAITING_APPROVAL --Reject--> REJECTED
 * </pre>
 *
 * Every applied transition increments the state's version; the store's conditional write on the previous
 * version is what makes racing writers safe. Refusals say what happened and what state the rollout is in.
 */
public final class RolloutStateMachine {

  private RolloutStateMachine() {}

  public static Transition apply(RolloutState s, RolloutCommand c, Instant now) {
    return switch (c) {
      case RequestApproval r -> {
        if (s.status() != RolloutStatus.RUNNING) {
          yield refuse(s, "cannot ask for approval: rollout " + s.rolloutId() + " is " + describe(s));
        }
        if (s.plan().isLast(s.stageIndex())) {
          yield refuse(s, "cannot ask for approval: rollout " + s.rolloutId() + " is at its last stage; finalize it");
        }
        if (r.taskToken() == null || r.taskToken().isBlank()) {
          yield refuse(s, "cannot ask for approval without the workflow's task token");
        }
        yield applied(s, c, now, RolloutStatus.AWAITING_APPROVAL, s.stageIndex(), s.stageStartedAt(), r.taskToken());
      }
      case Approve a -> {
        if (s.status() != RolloutStatus.AWAITING_APPROVAL) {
          yield refuse(s, "cannot approve: rollout " + s.rolloutId() + " is " + describe(s) + ", not waiting for approval");
        }
        yield applied(s, c, now, RolloutStatus.RUNNING, s.stageIndex() + 1, now, null);
      }
      case Reject r -> {
        if (s.status() != RolloutStatus.AWAITING_APPROVAL) {
          yield refuse(s, "cannot reject: rollout " + s.rolloutId() + " is " + describe(s) + ", not waiting for approval");
        }
        yield applied(s, c, now, RolloutStatus.REJECTED, s.stageIndex(), s.stageStartedAt(), null);
      }
      case RollBack r -> {
        if (s.status().isTerminal()) {
          yield refuse(s, "cannot roll back: rollout " + s.rolloutId() + " is already " + describe(s));
        }
        yield applied(s, c, now, RolloutStatus.ROLLED_BACK, s.stageIndex(), s.stageStartedAt(), null);
      }
      case Finalize f -> {
        if (s.status() != RolloutStatus.RUNNING || !s.plan().isLast(s.stageIndex())) {
          yield refuse(s, "cannot finalize: rollout " + s.rolloutId() + " is " + describe(s)
              + "; only a running rollout at its last stage (" + Percent.text(s.plan().percent(s.plan().lastIndex())) + ") can be finalized");
        }
        yield applied(s, c, now, RolloutStatus.PROMOTED, s.stageIndex(), s.stageStartedAt(), null);
      }
    };
  }

  /** "RUNNING at stage 2 of 4 (50%)" and the like. */
  public static String describe(RolloutState s) {
    return switch (s.status()) {
      case RUNNING, AWAITING_APPROVAL -> s.status() + " at stage " + (s.stageIndex() + 1) + " of " + s.plan().size()
          + " (" + Percent.text(s.plan().percent(s.stageIndex())) + ")";
      case PROMOTED, ROLLED_BACK, REJECTED -> s.status().toString();
    };
  }


  private static Transition refuse(RolloutState s, String reason) {
    return new Transition.Refused(s, reason);
  }

  private static Transition applied(RolloutState s, RolloutCommand c, Instant now, RolloutStatus to, int stage,
      Instant stageStartedAt, String taskToken) {
    RolloutState next = new RolloutState(s.application(), s.rolloutId(), to, s.plan(), stage, s.version() + 1,
        s.createdAt(), stageStartedAt, now, s.executionArn(), taskToken, c.reason(), s.owed());
    AuditEvent e = new AuditEvent(s.application(), s.rolloutId(), now, c.actor(), "TRANSITION", s.status(), to,
        stage, c.reason(), null);
    return new Transition.Applied(next, e);
  }
}
