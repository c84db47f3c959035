package io.llmcanary.core.promotion;

import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ApprovalGateway.StaleTaskTokenException;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The rollout reads and writes every promotion action shares (see {@link Promotion}): load, the conditional write
 * that carries the audit event and the work owed ({@link #commit}), finishing that work ({@link #settle}), and the
 * small reads around them. Each action reads the rollout, decides from what it finds, and writes with a conditional
 * write on the version it read; when another writer got there first it reads again and decides again, at most
 * {@link #MAX_RACES} times.
 */
final class RolloutWrites {

  /** Lost races before an action gives up (each loss means another writer moved the rollout meanwhile). */
  static final int MAX_RACES = 8;

  private final PromotionPorts ports;
  private final RollbackAction rollback;

  RolloutWrites(PromotionPorts ports) {
    this.ports = Objects.requireNonNull(ports, "ports");
    this.rollback = new RollbackAction(ports.store(), ports.configs(), ports.alerts(), ports.approvals(), ports.clock());
  }

  PromotionPorts ports() {
    return ports;
  }

  /** The one rollback action (stop, finish owed work, zero the canary). */
  RollbackAction rollback() {
    return rollback;
  }

  Instant now() {
    return ports.clock().instant();
  }

  RolloutState load(String application, String rolloutId) {
    return ports.store().get(application, rolloutId).orElseThrow(() -> new IllegalStateException(
        "no rollout " + rolloutId + " in application " + application));
  }

  /** The terminal result for a rollout that ended, if it did. */
  static Optional<StepResult> ended(RolloutState s, int waits) {
    return switch (s.status()) {
      case ROLLED_BACK -> Optional.of(StepResult.of(s, Next.ROLLED_BACK, waits, "rolled back: " + s.reason()));
      case REJECTED -> Optional.of(StepResult.of(s, Next.REJECTED, waits, "rejected: " + s.reason()));
      case PROMOTED -> Optional.of(StepResult.of(s, Next.PROMOTED, waits, "already promoted"));
      case RUNNING, AWAITING_APPROVAL -> Optional.empty();
    };
  }

  /**
   * Applies a command with a conditional write that carries its audit event (with the table, when given) and the
   * work the new state owes. Empty when another writer won the race: the caller reads again and decides again.
   */
  Optional<RolloutState> commit(RolloutState s, RolloutCommand c, String table,
      Function<RolloutState, List<OwedStep>> owes) {
    Transition t = RolloutStateMachine.apply(s, c, now());
    if (t instanceof Transition.Refused refused) {
      throw new IllegalStateException(refused.reason());
    }
    Transition.Applied a = (Transition.Applied) t;
    List<OwedStep> owed = new ArrayList<>(a.state().owed());
    owed.addAll(owes.apply(a.state()));
    RolloutState next = a.state().owing(a.state().taskToken(), owed);
    AuditEvent event = a.event().withTable(table);
    return ports.store().replace(next, s.version(), event) ? Optional.of(next) : Optional.empty();
  }

  Optional<RolloutState> commit(RolloutState s, RolloutCommand c, String table, List<OwedStep> owes) {
    return commit(s, c, table, next -> owes);
  }

  /** Finishes what the rollout owes (see {@link RollbackAction#finish}); answers the rollout as it is afterwards. */
  RolloutState settle(RolloutState s) {
    if (!s.owes()) {
      return s;
    }
    rollback.finish(s);
    return load(s.application(), s.rolloutId());
  }

  /** A resumed execution (started by hand with {@code "resume": true}) takes the rollout over from a dead one. */
  void takeOver(RolloutState s, String executionArn) {
    if (executionArn == null || executionArn.equals(s.executionArn())) {
      return;
    }
    RolloutState taken = s.withExecutionArn(executionArn);
    ports.store().replace(taken, s.version(), AuditEvent.decision(taken, now(), Promotion.WORKFLOW_ACTOR,
        "WORKFLOW_RESUMED", "workflow execution " + executionArn + " takes over from " + Texts.orEmpty(s.executionArn()),
        null));
  }

  /** What the rollout changes, from its deployed config; null when that config is not this rollout's or unreadable. */
  ChangeReport changeOf(RolloutState s) {
    try {
      RolloutConfig c = ports.configs().deployedConfig();
      return c == null || !c.rolloutId().equals(s.rolloutId()) ? null : ChangeReport.of(c).orElse(null);
    } catch (RuntimeException e) {
      return null; // the page goes out without it
    }
  }

  /** The deployed config, which must be this rollout's: the base of the stage to apply or the promotion. */
  RolloutConfig configOf(RolloutState s) {
    RolloutConfig c = ports.configs().deployedConfig();
    if (c == null) {
      throw new IllegalStateException("no rollout config is deployed; cannot move rollout " + s.rolloutId());
    }
    if (!c.rolloutId().equals(s.rolloutId())) {
      throw new IllegalStateException("the deployed config belongs to rollout " + c.rolloutId() + ", not "
          + s.rolloutId() + "; was it changed by hand?");
    }
    return c;
  }

  void failTask(String token, String error, String cause) {
    try {
      ports.approvals().reject(token, error, cause);
    } catch (StaleTaskTokenException e) {
      // the task is gone already; nothing waits on it
    }
  }

  /** The gate's audit event of the rollout's current stage, the evidence of an approval request. */
  AuditEvent lastGate(RolloutState s) {
    List<AuditEvent> history = ports.store().history(s.application(), s.rolloutId());
    for (int i = history.size() - 1; i >= 0; i--) {
      AuditEvent e = history.get(i);
      if (Promotion.GATE_EVENT.equals(e.type()) && e.stageIndex() == s.stageIndex()) {
        return e;
      }
    }
    return null;
  }

  /** The actor of a person's request, "unknown" when none is given. */
  static String actor(String actor) {
    return actor == null || actor.isBlank() ? "unknown" : actor;
  }

  static IllegalStateException racing(String rolloutId) {
    return new IllegalStateException("rollout " + rolloutId + " kept changing under this action (" + MAX_RACES
        + " lost conditional writes in a row); giving up so the workflow retries");
  }
}
