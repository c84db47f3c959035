package io.llmcanary.core.promotion;

import io.llmcanary.core.rollout.Percent;
import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.actor;
import static io.llmcanary.core.promotion.RolloutWrites.racing;

import io.llmcanary.core.ports.ApprovalGateway.StaleTaskTokenException;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A person's decision on the waiting stage. Approve completes the workflow's task first and then writes the
 * state, so a stale token changes nothing; reject writes the state and stops the canary first and then fails
 * the task, so that even with a dead workflow a rejection ends the rollout.
 */
final class DecideAction {

  private final RolloutWrites w;
  private final PromotionPorts ports;
  private final OperatorRules rules;

  DecideAction(RolloutWrites writes, OperatorRules rules) {
    this.w = writes;
    this.ports = writes.ports();
    this.rules = rules == null ? OperatorRules.OPEN : rules;
  }

  DecisionResult decide(Decide r) {
    String decision = r.decision() == null ? "" : r.decision().trim().toLowerCase(Locale.ROOT);
    if (!decision.equals("approve") && !decision.equals("reject")) {
      return DecisionResult.refused(DecisionResult.Refusal.INVALID_REQUEST, r.application(), r.rolloutId(),
          "decision must be \"approve\" or \"reject\", got \"" + Texts.orEmpty(r.decision()) + "\"");
    }
    if (r.rolloutId() == null || r.rolloutId().isBlank()) {
      return DecisionResult.refused(DecisionResult.Refusal.INVALID_REQUEST, r.application(), r.rolloutId(), "no rollout id given");
    }
    String actor = actor(r.actor());
    String reason = r.reason() == null || r.reason().isBlank() ? decision + "d by " + actor : r.reason();
    Optional<RolloutState> found = ports.store().get(r.application(), r.rolloutId());
    if (found.isEmpty()) {
      return DecisionResult.refused(DecisionResult.Refusal.NO_SUCH_ROLLOUT, r.application(), r.rolloutId(), "cannot " + decision + ": there is no rollout "
          + r.rolloutId() + " in application " + r.application() + " (./canaryctl status lists them)");
    }
    RolloutState s = found.get();
    Optional<String> notWaiting = notWaiting(s, decision);
    if (notWaiting.isPresent()) {
      return refuse(s, actor, decision, notWaiting.get());
    }
    if (decision.equals("approve")) {
      Optional<String> twoPerson = rules.approvalRefusal(Actor.of(actor), starter(s));
      if (twoPerson.isPresent()) {
        return refuse(DecisionResult.Refusal.NOT_PERMITTED, s, actor, decision, twoPerson.get());
      }
    }
    return decision.equals("approve") ? approve(s, actor, reason) : reject(s, actor, reason);
  }

  /** Who started the rollout: the actor of its STARTED audit event. */
  private Actor starter(RolloutState s) {
    return ports.store().history(s.application(), s.rolloutId()).stream().filter(e -> "STARTED".equals(e.type()))
        .findFirst().map(e -> Actor.of(e.actor())).orElse(new Actor.Claimed(null));
  }

  private DecisionResult approve(RolloutState s, String actor, String reason) {
    Approval approval = Approval.of(actor, reason, s.stageIndex());
    try {
      ports.approvals().approve(s.taskToken(), approval);
    } catch (StaleTaskTokenException e) {
      RolloutState now = w.load(s.application(), s.rolloutId());
      if (now.version() != s.version()) {
        Optional<String> moved = notWaiting(now, "approve");
        return refuse(now, actor, "approve", moved.orElse("the rollout changed while deciding: it is now "
            + RolloutStateMachine.describe(now)));
      }
      return refuse(s, actor, "approve", "stale approval token: the promotion workflow is no longer waiting for this"
          + " approval (its task timed out, was already decided, or its execution ended: " + s.executionArn()
          + "). Nothing changed. To end this rollout, reject it: ./canaryctl reject " + s.rolloutId());
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState current = w.load(s.application(), s.rolloutId());
      if (current.status() == RolloutStatus.AWAITING_APPROVAL && current.stageIndex() == s.stageIndex()) {
        Optional<RolloutState> a = w.commit(current, new RolloutCommand.Approve(actor, reason), null, List.of());
        if (a.isEmpty()) {
          continue;
        }
        return DecisionResult.applied(a.get(), approvedMessage(a.get(), actor));
      }
      if (current.status() == RolloutStatus.RUNNING && current.stageIndex() == s.stageIndex() + 1) {
        return DecisionResult.applied(current, approvedMessage(current, actor)); // the workflow wrote it first
      }
      return DecisionResult.refused(current, "the approval reached the workflow, but meanwhile rollout "
          + s.rolloutId() + " became " + RolloutStateMachine.describe(current) + " (" + current.reason()
          + "); the workflow follows the rollout's state");
    }
    throw racing(s.rolloutId());
  }

  private DecisionResult reject(RolloutState first, String actor, String reason) {
    RollbackAction.Result r = w.rollback().stop(first.application(), first.rolloutId(), new RollbackAction.Stop(
        new RolloutCommand.Reject(actor, reason), null, s -> notWaiting(s, "reject"),
        before -> PromotionAlerts.rejected(before, actor, reason)));
    return switch (r) {
      case RollbackAction.Result.Stopped st -> DecisionResult.applied(st.state(), "rejected rollout "
          + first.rolloutId() + " at stage " + (st.before().stageIndex() + 1) + " of " + st.before().plan().size()
          + ": canary back to 0%, the rollout is over"
          + (st.steps().stream().anyMatch(o -> o.type().equals("APPROVAL_TASK_GONE"))
              ? " (the workflow was no longer waiting for this approval; nothing else to stop)" : ""));
      case RollbackAction.Result.AlreadyEnded e -> refuse(e.state(), actor, "reject", notWaiting(e.state(), "reject")
          .orElse("the rollout ended meanwhile"));
      case RollbackAction.Result.Refused f -> refuse(f.state(), actor, "reject", f.reason());
      case RollbackAction.Result.KeptLosing k -> throw racing(first.rolloutId());
    };
  }

  /** Why a decision cannot be taken on this rollout, or empty when it waits for one. */
  static Optional<String> notWaiting(RolloutState s, String decision) {
    String id = s.rolloutId();
    return switch (s.status()) {
      case AWAITING_APPROVAL -> s.taskToken() == null || s.taskToken().isBlank()
          ? Optional.of("cannot " + decision + ": rollout " + id + " waits for approval but has no task token stored")
          : Optional.empty();
      case RUNNING -> Optional.of("cannot " + decision + ": stage " + (s.stageIndex() + 1) + " of rollout " + id
          + " is not waiting for approval; it is " + RolloutStateMachine.describe(s) + " since " + s.stageStartedAt()
          + ". The workflow asks for approval when the stage's wait is over and the gate has run.");
      case ROLLED_BACK -> Optional.of("cannot " + decision + ": rollout " + id + " was rolled back at "
          + s.updatedAt() + " (" + s.reason() + "); there is nothing to decide. Start a new rollout instead.");
      case REJECTED -> Optional.of("cannot " + decision + ": rollout " + id + " was already rejected at "
          + s.updatedAt() + " (" + s.reason() + "); it is over. Start a new rollout instead.");
      case PROMOTED -> Optional.of("cannot " + decision + ": rollout " + id + " is finished: its canary was promoted"
          + " to stable at " + s.updatedAt() + ".");
    };
  }

  private DecisionResult refuse(RolloutState s, String actor, String decision, String message) {
    return refuse(DecisionResult.Refusal.NOT_ALLOWED_NOW, s, actor, decision, message);
  }

  private DecisionResult refuse(DecisionResult.Refusal why, RolloutState s, String actor, String decision,
      String message) {
    ports.store().append(AuditEvent.decision(s, w.now(), actor, "REFUSED", decision + " refused: " + message, null));
    return DecisionResult.refused(why, s, message);
  }

  private static String approvedMessage(RolloutState s, String actor) {
    if (s.plan().isLast(s.stageIndex())) {
      return "approved by " + actor + ": rollout " + s.rolloutId() + " goes to 100%: the workflow now makes the"
          + " canary the new stable";
    }
    return "approved by " + actor + ": rollout " + s.rolloutId() + " moves to stage " + (s.stageIndex() + 1) + " of "
        + s.plan().size() + " (" + Percent.text(s.canaryPercent()) + "); the workflow applies it now";
  }
}
