package io.llmcanary.core.promotion;

import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.PromotionRequest.ExpireApproval;
import io.llmcanary.core.promotion.PromotionRequest.Finalize;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.promotion.PromotionRequest.ReportFailure;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import io.llmcanary.core.promotion.WorkflowRoutes.Action;
import io.llmcanary.core.promotion.WorkflowRoutes.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The promotion workflow run in this process, for the local runner and the simulator: the same states and
 * routes as the Step Functions definition ({@link WorkflowRoutes}), the same actions ({@link Promotion}), with
 * waits measured on the injected clock and the approval task completed through this class, which is the
 * {@link ApprovalGateway} of its own {@link Promotion}.
 *
 * <p>Nothing runs on its own: {@link #advance} moves an execution as far as it can at the clock's current time
 * and returns where it stopped (waiting out a stage, waiting for a decision, or ended). The differences from
 * Step Functions: a failed action is not retried (it goes to the failure report at once), and there is no
 * execution history beyond {@link Execution#path()}.
 */
public final class InProcessWorkflow implements ApprovalGateway {

  /**
   * @param stageDuration        how long each stage runs before its gate (24 h in production)
   * @param maxInconclusiveWaits extra stage durations an inconclusive gate may wait before a person is asked
   * @param approvalTimeout      how long a decision may take before the rollout is rejected automatically
   */
  public record Settings(Duration stageDuration, int maxInconclusiveWaits, Duration approvalTimeout) {
    public static final Settings DEFAULTS = new Settings(Duration.ofHours(24), 2, Duration.ofDays(7));
  }

  /**
   * One execution: where it is and what it carries between states (the state machine's {@code $} data).
   *
   * @param state          the state it waits in (WAIT_STAGE, AWAIT_APPROVAL) or ended in; never a transient one
   * @param waitUntil      end of the current wait, in WAIT_STAGE
   * @param taskToken      the open approval task, in AWAIT_APPROVAL
   * @param deadline       when the approval task times out, in AWAIT_APPROVAL
   * @param decision       the approval task's outcome once completed, else null
   * @param last           the last action's answer
   * @param path           the states entered so far, by their state machine names
   */
  /** How the approval task ended: completed with the approval (SendTaskSuccess), or failed (SendTaskFailure). */
  public sealed interface TaskOutcome {
    record Succeeded(Approval approval) implements TaskOutcome {}

    record Failed(String error, String cause) implements TaskOutcome {}
  }

  public record Execution(String application, String rolloutId, String executionArn, State state, int stageIndex,
      int inconclusiveWaits, Instant waitUntil, String taskToken, Instant deadline, TaskOutcome decision,
      StepResult last, List<String> path) {

    public Execution {
      path = List.copyOf(path);
    }

    public boolean ended() {
      return state.terminal();
    }

    public boolean awaitingDecision() {
      return state == State.AWAIT_APPROVAL && taskToken != null && decision == null;
    }
  }

  private final Promotion promotion;
  private final Settings settings;
  private final Map<String, Execution> executions = new LinkedHashMap<>();

  public InProcessWorkflow(PromotionPorts ports, ApprovalChannels channels, Settings settings) {
    this(ports, channels, settings, List.of());
  }

  /** Resumes executions saved from {@link #executions()} (the local CLI keeps them between commands). */
  public InProcessWorkflow(PromotionPorts ports, ApprovalChannels channels, Settings settings,
      Collection<Execution> saved) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.promotion = new Promotion(ports.withApprovals(this).withStarter(this::register), channels);
    for (Execution e : saved) {
      executions.put(key(e.application(), e.rolloutId()), e);
    }
  }

  public Promotion promotion() {
    return promotion;
  }

  public Settings settings() {
    return settings;
  }

  /** Starts a rollout (see {@link Promotion#start}) and runs its workflow as far as it goes now. */
  public synchronized DecisionResult start(StartRequest request) {
    return start(request, null);
  }

  /** {@link #start(StartRequest)} with the schema check of this request's candidate (see {@link Promotion#start}). */
  public synchronized DecisionResult start(StartRequest request, ConfigCheck check) {
    DecisionResult r = promotion.start(request, check);
    if (r.applied()) {
      advance(r.application(), r.rolloutId());
    }
    return r;
  }

  /** A person's decision (see {@link Promotion#decide}); the workflow then moves on from it at once. */
  public synchronized DecisionResult decide(Decide request) {
    DecisionResult r = promotion.decide(request);
    if (executions.containsKey(key(request.application(), request.rolloutId()))) {
      advance(request.application(), request.rolloutId());
    }
    return r;
  }

  public synchronized Optional<Execution> execution(String application, String rolloutId) {
    return Optional.ofNullable(executions.get(key(application, rolloutId)));
  }

  public synchronized List<Execution> executions() {
    return List.copyOf(executions.values());
  }

  /** Moves every execution that has not ended as far as it can now. */
  public synchronized List<Execution> advanceAll() {
    List<Execution> out = new ArrayList<>();
    for (String k : List.copyOf(executions.keySet())) {
      Execution e = executions.get(k);
      out.add(e.ended() ? e : advance(e.application(), e.rolloutId()));
    }
    return out;
  }

  /** Moves one execution as far as it can at the clock's current time. */
  public synchronized Execution advance(String application, String rolloutId) {
    Execution e = executions.get(key(application, rolloutId));
    if (e == null) {
      throw new IllegalArgumentException("no workflow execution for rollout " + rolloutId);
    }
    // What the state machine carries in its data between states: the approval, the caught error.
    Approval approval = null;
    String[] failure = {null, null};
    while (true) {
      Instant now = promotion.ports().clock().instant();
      State next;
      switch (e.state()) {
        case APPLY_STAGE -> {
          Approval a = approval;
          String arn = e.executionArn();
          approval = null;
          next = step(e, Action.APPLY_STAGE, failure,
              () -> promotion.applyStage(new ApplyStage(application, rolloutId, arn, a)));
        }
        case WAIT_STAGE -> {
          if (e.waitUntil() != null && now.isBefore(e.waitUntil())) {
            return e;
          }
          next = WorkflowRoutes.AFTER_WAIT;
        }
        case GATE -> {
          int stage = e.stageIndex();
          int waits = e.inconclusiveWaits();
          next = step(e, Action.GATE, failure, () -> promotion.gate(new Gate(application, rolloutId, stage, waits,
              settings.maxInconclusiveWaits())));
        }
        case AWAIT_APPROVAL -> {
          if (e.taskToken() == null) {
            String token = e.executionArn() + "#approval-" + UUID.randomUUID();
            e = put(new Execution(e.application(), e.rolloutId(), e.executionArn(), e.state(), e.stageIndex(),
                e.inconclusiveWaits(), null, token, now.plus(settings.approvalTimeout()), null, e.last(),
                e.path()));
            int stage = e.stageIndex();
            String arn = e.executionArn();
            StepResult r = call(failure, () -> promotion.requestApproval(new RequestApproval(application, rolloutId,
                stage, token, arn, settings.approvalTimeout().toSeconds())));
            e = executions.get(key(application, rolloutId)); // the action may have completed the task at once
            if (r == null && e.decision() == null) {
              next = State.REPORT_FAILURE; // the invocation itself failed: so does the task
              e = clearTask(e);
              break;
            }
          }
          if (e.decision() != null) {
            switch (e.decision()) {
              case TaskOutcome.Succeeded ok -> {
                approval = ok.approval();
                next = WorkflowRoutes.AFTER_APPROVAL;
              }
              case TaskOutcome.Failed f -> {
                failure[0] = f.error();
                failure[1] = f.cause() == null ? "" : f.cause();
                next = WorkflowRoutes.APPROVAL_ERRORS.getOrDefault(failure[0], State.REPORT_FAILURE);
              }
            }
            e = clearTask(e);
          } else if (!now.isBefore(e.deadline())) {
            failure[0] = "States.Timeout";
            failure[1] = "no decision within " + settings.approvalTimeout();
            next = WorkflowRoutes.APPROVAL_ERRORS.get("States.Timeout");
            e = clearTask(e);
          } else {
            return e;
          }
        }
        case EXPIRE_APPROVAL -> {
          int stage = e.stageIndex();
          next = step(e, Action.EXPIRE_APPROVAL, failure, () -> promotion.expireApproval(new ExpireApproval(
              application, rolloutId, stage, settings.approvalTimeout().toSeconds())));
        }
        case FINALIZE -> next = step(e, Action.FINALIZE, failure,
            () -> promotion.finalizeRollout(new Finalize(application, rolloutId)));
        case REPORT_FAILURE -> {
          String err = failure[0];
          String cause = failure[1];
          String arn = e.executionArn();
          call(new String[2], () -> promotion.reportFailure(new ReportFailure(application, rolloutId, err, cause, arn)));
          next = WorkflowRoutes.AFTER_REPORT;
        }
        case PROMOTED, ROLLED_BACK, REJECTED, FAILED -> {
          return e;
        }
        default -> throw new IllegalStateException("unknown state " + e.state());
      }
      e = executions.get(key(application, rolloutId));
      if (next == State.WAIT_STAGE) {
        e = put(new Execution(e.application(), e.rolloutId(), e.executionArn(), e.state(), e.stageIndex(),
            e.inconclusiveWaits(), now.plus(settings.stageDuration()), null, null, null, e.last(), e.path()));
      }
      e = enter(e, next);
    }
  }

  /** Runs a workflow action and answers where it leads; an exception or an unexpected answer leads to the report. */
  private State step(Execution e, Action action, String[] failure, Supplier<StepResult> call) {
    StepResult r = call(failure, call);
    if (r == null) {
      return State.REPORT_FAILURE;
    }
    put(new Execution(e.application(), e.rolloutId(), e.executionArn(), e.state(),
        r.stageIndex() >= 0 ? r.stageIndex() : e.stageIndex(), r.inconclusiveWaits(), e.waitUntil(), e.taskToken(),
        e.deadline(), e.decision(), r, e.path()));
    State to = WorkflowRoutes.after(action, r.next());
    if (to == null) {
      failure[0] = WorkflowRoutes.UNEXPECTED_RESULT;
      failure[1] = action.wireName() + " answered next=" + r.next() + ": " + r.reason();
      return State.REPORT_FAILURE;
    }
    return to;
  }

  /** Runs an action; an exception is recorded as the error Lambda would report (type and message). */
  private static StepResult call(String[] failure, Supplier<StepResult> call) {
    try {
      return call.get();
    } catch (RuntimeException ex) {
      failure[0] = ex.getClass().getName();
      failure[1] = String.valueOf(ex.getMessage());
      return null;
    }
  }

  // ------------------------------------------------------------------------ ApprovalGateway (the task callback)

  @Override
  public synchronized void approve(String taskToken, Approval approval) {
    complete(taskToken, new TaskOutcome.Succeeded(approval));
  }

  @Override
  public synchronized void reject(String taskToken, String error, String cause) {
    complete(taskToken, new TaskOutcome.Failed(error, cause));
  }

  private void complete(String taskToken, TaskOutcome decision) {
    for (Map.Entry<String, Execution> en : executions.entrySet()) {
      Execution e = en.getValue();
      if (e.awaitingDecision() && e.taskToken().equals(taskToken)) {
        if (!promotion.ports().clock().instant().isBefore(e.deadline())) {
          break; // timed out: like Step Functions, the token is dead even before the workflow noticed
        }
        en.setValue(new Execution(e.application(), e.rolloutId(), e.executionArn(), e.state(), e.stageIndex(),
            e.inconclusiveWaits(), e.waitUntil(), e.taskToken(), e.deadline(), decision, e.last(), e.path()));
        return;
      }
    }
    throw new StaleTaskTokenException("task token " + taskToken + " does not belong to a waiting task", null);
  }

  // ----------------------------------------------------------------------------------------------- internals

  /** Registers a new execution for a rollout just started; it begins at ApplyStage on the next advance. */
  private String register(String application, String rolloutId) {
    String arn = "local:execution:" + application + ":" + rolloutId;
    executions.put(key(application, rolloutId), new Execution(application, rolloutId, arn, State.APPLY_STAGE, 0, 0,
        null, null, null, null, null, List.of(State.APPLY_STAGE.aslName())));
    return arn;
  }

  /** Makes {@code at} the current state and records it in the path. */
  private Execution enter(Execution e, State at) {
    List<String> path = new ArrayList<>(e.path());
    path.add(at.aslName());
    return put(new Execution(e.application(), e.rolloutId(), e.executionArn(), at, e.stageIndex(),
        e.inconclusiveWaits(), e.waitUntil(), e.taskToken(), e.deadline(), e.decision(), e.last(), path));
  }

  private Execution clearTask(Execution e) {
    return put(new Execution(e.application(), e.rolloutId(), e.executionArn(), e.state(), e.stageIndex(),
        e.inconclusiveWaits(), e.waitUntil(), null, null, null, e.last(), e.path()));
  }

  private Execution put(Execution e) {
    executions.put(key(e.application(), e.rolloutId()), e);
    return e;
  }

  private static String key(String application, String rolloutId) {
    return application + "\u0000" + rolloutId;
  }
}
