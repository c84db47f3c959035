package io.llmcanary.core.rollback;

import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.alerts.RollbackAlert;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.Transition;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one way a canary is stopped (docs/architecture.md#stopping-a-canary-one-action): the health check's rollback, the promotion gate's, a workflow that
 * cannot go on, a person's rejection, an expired approval and an operator's abort all come here.
 *
 * <p>{@link #stop} makes the conditional transition to ROLLED_BACK or REJECTED and, in the same write (with the
 * audit event), everything the stop still owes: canary 0%, the alert, failing the waiting approval task. Then
 * {@link #finish} does the owed steps in order, each safe to repeat, each removed from the state with a conditional
 * write once done. Whoever finds a state that owes work (a retry, the next health check) calls {@link #finish} too,
 * so a failed call or a process that dies between two steps loses nothing. Two finishers at once may both do a
 * step: deploying 0% twice changes nothing, failing a task twice finds it gone, and a repeated alert carries the
 * same {@link Alert#id()}.
 */
public final class RollbackAction {

  /** Error names the approval task fails with (SendTaskFailure); the state machine catches them by name. */
  public static final String ERROR_ROLLED_BACK = "RolledBack";
  public static final String ERROR_REJECTED = "Rejected";

  /** Lost races before {@link #stop} gives up (each loss means another writer moved the rollout meanwhile). */
  static final int MAX_RACES = 8;
  /** Tries at failing a waiting approval task before it is given up (its execution may be gone). */
  static final int MAX_TASK_ATTEMPTS = 8;
  /** The audit trail's actor of the owed steps (whoever runs them, the work is the rollback's). */
  static final String ACTOR = "rollback";

  /**
   * A request to end a rollout.
   *
   * @param command the RollBack or Reject command, with who and why
   * @param table   the comparison table behind it, for the audit trail (may be null)
   * @param guard   why this stop does not apply to the rollout as found (empty: it applies), checked on every try
   * @param alert   the page, composed from the state as it was when stopped
   */
  public record Stop(RolloutCommand command, String table, Function<RolloutState, Optional<String>> guard,
      Function<RolloutState, Alert> alert) {
    public Stop {
      Objects.requireNonNull(command, "command");
      if (!(command instanceof RolloutCommand.RollBack) && !(command instanceof RolloutCommand.Reject)) {
        throw new IllegalArgumentException("a stop is a RollBack or a Reject, not " + command);
      }
      guard = guard == null ? s -> Optional.empty() : guard;
      Objects.requireNonNull(alert, "alert");
    }
  }

  /** One owed step tried: its audit type, whether it is done (or given up), and what happened. */
  public record StepOutcome(String type, boolean done, String line) {
    @Override
    public String toString() {
      return type + ": " + line;
    }
  }

  /** What {@link #stop} did. */
  public sealed interface Result {
    RolloutState state();

    /** This call ended the rollout; {@code steps} says what the owed steps achieved. */
    record Stopped(RolloutState state, RolloutState before, List<StepOutcome> steps) implements Result {}

    /** The rollout had ended already (another writer won); its owed work, if any, was finished. */
    record AlreadyEnded(RolloutState state, List<StepOutcome> steps) implements Result {}

    /** The stop does not apply to the rollout as it is (a rejection of a stage not waiting for approval). */
    record Refused(RolloutState state, String reason) implements Result {}

    /** Other writers kept moving the rollout: nothing written; the caller's retry tries again. */
    record KeptLosing(RolloutState state) implements Result {}
  }

  private final RolloutStore store;
  private final ConfigPublisher config;
  private final AlertPublisher alerts;
  private final ApprovalGateway approvals;
  private final InstantSource clock;

  public RollbackAction(RolloutStore store, ConfigPublisher config, AlertPublisher alerts, ApprovalGateway approvals,
      InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.approvals = Objects.requireNonNull(approvals, "approvals");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Ends the rollout (see the class comment). Throws only when the store cannot be read. */
  public Result stop(String application, String rolloutId, Stop stop) {
    RolloutState s = load(application, rolloutId);
    for (int i = 0; i < MAX_RACES; i++) {
      if (s.status().isTerminal()) {
        return new Result.AlreadyEnded(s, s.owes() ? finish(s) : List.of());
      }
      Optional<String> refusal = stop.guard().apply(s);
      if (refusal.isPresent()) {
        return new Result.Refused(s, refusal.get());
      }
      Transition t = RolloutStateMachine.apply(s, stop.command(), clock.instant());
      if (t instanceof Transition.Refused r) {
        return new Result.Refused(s, r.reason());
      }
      Transition.Applied a = (Transition.Applied) t;
      RolloutState next = ended(a.state(), s, stop);
      AuditEvent event = a.event().withTable(stop.table());
      if (store.replace(next, s.version(), event)) {
        List<StepOutcome> steps = new ArrayList<>();
        steps.add(new StepOutcome("TRANSITION", true, RolloutStateMachine.describe(s) + " -> " + next.status()
            + " (owed: canary 0%, alert" + (s.taskToken() != null ? ", failing the waiting approval" : "") + ")"));
        steps.addAll(finish(next));
        return new Result.Stopped(latest(next), s, steps);
      }
      s = load(application, rolloutId);
    }
    return new Result.KeptLosing(s);
  }

  /** The ended state: no task token any more (failing it is owed instead), everything owed in the same write. */
  private static RolloutState ended(RolloutState applied, RolloutState before, Stop stop) {
    List<OwedStep> owed = new ArrayList<>(before.owed().stream().filter(o -> !(o instanceof OwedStep.ZeroCanary))
        .toList());
    owed.add(0, new OwedStep.ZeroCanary("llm-canary: " + applied.status() + " " + applied.rolloutId() + " by "
        + stop.command().actor()));
    owed.add(new OwedStep.SendAlert(stop.alert().apply(before)));
    if (before.taskToken() != null) {
      String error = applied.status() == RolloutStatus.REJECTED ? ERROR_REJECTED : ERROR_ROLLED_BACK;
      String verb = applied.status() == RolloutStatus.REJECTED ? "rejected" : "rolled back";
      owed.add(new OwedStep.FailApprovalTask(before.taskToken(), error, verb + " by " + stop.command().actor() + ": "
          + stop.command().reason(), 0));
    }
    return applied.owing(null, owed);
  }

  /**
   * Does the owed steps of {@code s} in order; answers one line per step. A step that fails stays owed for the next
   * caller, and the steps after it are still tried (the page goes out while AppConfig is down). A lost conditional
   * write means another caller is at it: this one reads again and goes on with what is still owed.
   */
  public List<StepOutcome> finish(RolloutState s) {
    List<StepOutcome> lines = new ArrayList<>();
    RolloutState cur = s;
    String canaryProblem = null;
    String canaryNote = null;
    for (OwedStep step : List.copyOf(s.owed())) {
      if (!cur.owed().contains(step)) {
        continue; // another caller did it meanwhile
      }
      OwedStep after; // what stays owed in its place: null when done
      String type;
      String line;
      try {
        switch (step) {
          case OwedStep.ZeroCanary z -> {
            line = zeroCanary(cur, z.description());
            canaryNote = "Canary traffic set to 0% in AppConfig (" + line + "); every proxy serves stable within one"
                + " agent poll interval (45 s by default).";
            type = "CANARY_ZEROED";
          }
          case OwedStep.PromoteCanary p -> {
            line = promoteCanary(cur, p.description());
            type = "CANARY_PROMOTED";
          }
          case OwedStep.SendAlert a -> {
            alerts.publish(withProgress(a.alert(), cur, canaryProblem, canaryNote));
            line = "alert sent: " + a.alert().subject() + " (id " + a.alert().id() + ")";
            type = "ALERT_SENT";
          }
          case OwedStep.FailApprovalTask f -> {
            try {
              approvals.reject(f.taskToken(), f.error(), f.cause());
              line = "the waiting approval task was failed (SendTaskFailure, " + f.error() + "): the workflow ends";
              type = "APPROVAL_TASK_FAILED";
            } catch (ApprovalGateway.StaleTaskTokenException gone) {
              line = "the workflow was no longer waiting for this approval (" + describe(gone) + "); nothing to stop";
              type = "APPROVAL_TASK_GONE";
            }
          }
        }
        after = null;
      } catch (RuntimeException e) {
        after = step;
        line = "still owed, retried by the next run: " + describe(e);
        switch (step) {
          case OwedStep.ZeroCanary z -> {
            type = "CANARY_ZERO_FAILED";
            canaryProblem = describe(e);
          }
          case OwedStep.PromoteCanary p -> type = "CANARY_PROMOTE_FAILED";
          case OwedStep.SendAlert a -> type = "ALERT_PENDING";
          case OwedStep.FailApprovalTask f -> {
            type = "APPROVAL_TASK_RETRY";
            after = f.triedOnce();
            if (f.attempts() + 1 >= MAX_TASK_ATTEMPTS) {
              after = null;
              type = "APPROVAL_TASK_ABANDONED";
              line = "failing the approval task failed " + (f.attempts() + 1) + " times; given up: " + describe(e);
            }
          }
        }
      }
      lines.add(new StepOutcome(type, after == null, line));
      if (after == step) {
        store.append(AuditEvent.decision(cur, clock.instant(), ACTOR, type, line, null));
        continue; // nothing to write: it stays owed as it is
      }
      cur = record(cur, step, after);
      store.append(AuditEvent.decision(cur, clock.instant(), ACTOR, type, line, null));
    }
    return lines;
  }

  /**
   * Writes that {@code step} is done ({@code after} null) or stays owed as {@code after}. When the write loses to
   * another writer (a decision, another finisher), it is made again on the state as it is now, unless the step is
   * no longer owed there: a done step left in the state would be done twice.
   */
  private RolloutState record(RolloutState cur, OwedStep step, OwedStep after) {
    for (int i = 0; i < MAX_RACES; i++) {
      List<OwedStep> rest = new ArrayList<>(cur.owed());
      int at = rest.indexOf(step);
      if (at < 0) {
        return cur;
      }
      if (after == null) {
        rest.remove(at);
      } else {
        rest.set(at, after);
      }
      RolloutState next = cur.withBookkeeping(clock.instant(), cur.taskToken(), rest);
      if (store.replace(next, cur.version())) {
        return next;
      }
      cur = load(cur.application(), cur.rolloutId());
    }
    return cur;
  }

  /**
   * Takes this rollout's users off the canary at once, if AppConfig has deployed its config with a canary share:
   * compared with the <em>deployed</em> config, so a 0% version created but never deployed is deployed now.
   */
  public String zeroCanary(RolloutState s, String description) {
    RolloutConfig d = config.deployedConfig();
    if (d == null || !d.application().equals(s.application()) || !d.rolloutId().equals(s.rolloutId())) {
      return "AppConfig has deployed " + (d == null ? "no config" : "rollout " + d.rolloutId())
          + ", not this one: no user is on this canary";
    }
    if (d.canaryPercent() == 0) {
      return "canary already at 0% (deployed)";
    }
    config.publish(d.withCanaryPercent(0), ConfigPublisher.Speed.IMMEDIATE, description);
    return "canary 0% deployed with the immediate strategy (was " + Percent.text(d.canaryPercent()) + ")";
  }

  /** After PROMOTED: the canary version becomes the stable one in the deployed config (unless it is already). */
  private String promoteCanary(RolloutState s, String description) {
    RolloutConfig d = config.deployedConfig();
    if (d == null || !d.rolloutId().equals(s.rolloutId())) {
      return "AppConfig has deployed " + (d == null ? "no config" : "rollout " + d.rolloutId())
          + ": nothing to promote";
    }
    Optional<VersionSpec> canary = d.version(Variant.CANARY);
    if (canary.isEmpty()) {
      return "the canary is the stable version already (deployed)";
    }
    config.publish(d.withVersions(Map.of(Variant.STABLE.wireName(), canary.get())).withCanaryPercent(0),
        ConfigPublisher.Speed.PLANNED, description);
    return "canary " + canary.get().model() + " deployed as the new stable";
  }

  /** The alert with a status block on what the stop achieved when it is sent. */
  private static Alert withProgress(Alert a, RolloutState s, String canaryProblem, String canaryNote) {
    if (a.kind() != Alert.Kind.ROLLBACK && a.kind() != Alert.Kind.REJECTED) {
      return a;
    }
    List<String> progress = new ArrayList<>();
    progress.add("Rollout set to " + s.status() + " (final): the promotion workflow cannot advance it any more.");
    if (canaryProblem != null) {
      progress.add("ACTION NEEDED: the canary is NOT yet at 0% (" + canaryProblem + "). Every health-check run retries"
          + " it (every 15 minutes); it also stops any deployment that would put users on the canary.");
    } else if (s.owed().stream().noneMatch(o -> o instanceof OwedStep.ZeroCanary)) {
      progress.add(canaryNote != null ? canaryNote : "Canary traffic at 0% in AppConfig.");
    } else {
      progress.add("Canary 0% is being deployed; the next health-check run confirms it.");
    }
    progress.add(s.owed().stream().anyMatch(o -> o instanceof OwedStep.FailApprovalTask)
        ? "The waiting promotion approval is being failed (the workflow ends)."
        : "No promotion approval is waiting.");
    progress.add("Alert id " + a.id() + " (a repeat of this page carries the same id).");
    return RollbackAlert.withProgress(a, progress);
  }

  private RolloutState load(String application, String rolloutId) {
    return store.get(application, rolloutId).orElseThrow(() -> new IllegalStateException(
        "no rollout " + rolloutId + " in application " + application));
  }

  private RolloutState latest(RolloutState s) {
    return store.get(s.application(), s.rolloutId()).orElse(s);
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

}
