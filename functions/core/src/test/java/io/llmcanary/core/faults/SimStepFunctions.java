package io.llmcanary.core.faults;

import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.promotion.Approval;
import io.llmcanary.core.promotion.Next;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionRequest;
import io.llmcanary.core.promotion.StepResult;
import io.llmcanary.core.promotion.WorkflowRoutes;
import io.llmcanary.core.promotion.WorkflowRoutes.Action;
import io.llmcanary.core.promotion.WorkflowRoutes.State;
import io.llmcanary.core.promotion.WorkflowStarter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Step Functions as the promotion workflow uses it: executions of the promotion state machine (the routes of
 * {@link WorkflowRoutes}, the retry policy of the definition: a failed task is retried, then caught into
 * ReportFailure), and callback tasks whose tokens complete once; anything else is a stale token. One task runs per
 * execution per tick; waits are counted in ticks.
 */
final class SimStepFunctions implements ApprovalGateway, WorkflowStarter {

  static final int TASK_RETRIES = 3;

  /** A callback task: open until completed once, or timed out. */
  static final class Task {
    Approval success;
    String error;
    boolean timedOut;

    boolean open() {
      return success == null && error == null && !timedOut;
    }
  }

  static final class Execution {
    final String arn;
    final String application;
    final String rolloutId;
    State state = State.APPLY_STAGE;
    int attempts;
    int waitUntil;
    int stageIndex;
    int inconclusiveWaits;
    String token;
    int deadline;
    Approval approval;
    boolean resume;
    String error = "";
    String cause = "";

    Execution(String arn, String application, String rolloutId) {
      this.arn = arn;
      this.application = application;
      this.rolloutId = rolloutId;
    }

    boolean ended() {
      return state.terminal();
    }
  }

  private final Interleaver io;
  private final int stageTicks;
  private final int approvalTicks;
  private final Map<String, Task> tasks = new HashMap<>();
  final List<Execution> executions = new ArrayList<>();
  private int tokens;
  int tick;

  SimStepFunctions(Interleaver io, int stageTicks, int approvalTicks) {
    this.io = io;
    this.stageTicks = stageTicks;
    this.approvalTicks = approvalTicks;
  }

  @Override
  public String start(String application, String rolloutId) {
    io.point("states.StartExecution");
    String arn = "arn:aws:states:us-east-1:123456789012:execution:promotion:" + rolloutId;
    if (executions.stream().anyMatch(e -> e.arn.equals(arn))) {
      throw new FaultPlan.InjectedFault("states.StartExecution: ExecutionAlreadyExists: " + arn);
    }
    executions.add(new Execution(arn, application, rolloutId));
    io.after("states.StartExecution");
    return arn;
  }

  /** A new execution under another name, as a person starts one by hand. */
  Execution startByHand(String application, String rolloutId, String name) {
    Execution e = new Execution("arn:aws:states:us-east-1:123456789012:execution:promotion:" + name, application,
        rolloutId);
    e.resume = true;
    executions.add(e);
    return e;
  }

  @Override
  public void approve(String taskToken, Approval approval) {
    Task t = callback("states.SendTaskSuccess", taskToken);
    t.success = approval;
    io.after("states.SendTaskSuccess");
  }

  @Override
  public void reject(String taskToken, String error, String cause) {
    Task t = callback("states.SendTaskFailure", taskToken);
    t.error = error;
    io.after("states.SendTaskFailure");
  }

  private Task callback(String label, String taskToken) {
    io.point(label);
    Task t = tasks.get(taskToken);
    if (t == null || !t.open()) {
      throw new StaleTaskTokenException("TaskTimedOut: Task Timed Out: '" + taskToken + "'", null);
    }
    return t;
  }

  boolean due(Execution e) {
    return switch (e.state) {
      case WAIT_STAGE -> tick >= e.waitUntil;
      case AWAIT_APPROVAL -> e.token == null || !tasks.get(e.token).open() || tick >= e.deadline;
      case PROMOTED, ROLLED_BACK, REJECTED, FAILED -> false;
      default -> true;
    };
  }

  /** One step of the execution: a task invocation (with its retries across ticks) or the end of a wait. */
  void step(Execution e, Promotion p) {
    switch (e.state) {
      case APPLY_STAGE -> {
        Approval a = e.approval;
        task(e, Action.APPLY_STAGE, () -> p.applyStage(new PromotionRequest.ApplyStage(e.application, e.rolloutId,
            e.arn, a, e.resume)));
      }
      case WAIT_STAGE -> e.state = WorkflowRoutes.AFTER_WAIT;
      case GATE -> task(e, Action.GATE, () -> p.gate(new PromotionRequest.Gate(e.application, e.rolloutId,
          e.stageIndex, e.inconclusiveWaits, 1)));
      case AWAIT_APPROVAL -> awaitApproval(e, p);
      case EXPIRE_APPROVAL -> task(e, Action.EXPIRE_APPROVAL, () -> p.expireApproval(
          new PromotionRequest.ExpireApproval(e.application, e.rolloutId, e.stageIndex, approvalTicks * 900L)));
      case FINALIZE -> task(e, Action.FINALIZE, () -> p.finalizeRollout(new PromotionRequest.Finalize(e.application,
          e.rolloutId)));
      case REPORT_FAILURE -> {
        try {
          p.reportFailure(new PromotionRequest.ReportFailure(e.application, e.rolloutId, e.error, e.cause, e.arn));
          e.state = WorkflowRoutes.AFTER_REPORT;
        } catch (RuntimeException | Interleaver.Crash x) {
          if (++e.attempts > TASK_RETRIES) {
            e.state = WorkflowRoutes.AFTER_REPORT; // Catch States.ALL -> Failed
          }
        }
      }
      default -> { }
    }
  }

  private void task(Execution e, Action action, Supplier<StepResult> call) {
    StepResult r;
    try {
      r = call.get();
    } catch (RuntimeException | Interleaver.Crash x) {
      if (++e.attempts > TASK_RETRIES) {
        fail(e, x);
      }
      return;
    }
    e.attempts = 0;
    State next = WorkflowRoutes.after(action, r.next());
    if (next == null) {
      fail(e, new IllegalStateException(WorkflowRoutes.UNEXPECTED_RESULT + ": " + r.next()));
      return;
    }
    e.stageIndex = r.stageIndex();
    if (r.next() == Next.WAIT) {
      e.inconclusiveWaits = 0;
    } else if (r.next() == Next.WAIT_AGAIN) {
      e.inconclusiveWaits = r.inconclusiveWaits();
    }
    if (next == State.WAIT_STAGE) {
      e.waitUntil = tick + stageTicks;
    }
    e.state = next;
  }

  private void awaitApproval(Execution e, Promotion p) {
    if (e.token == null) {
      String token = e.arn + "#task-" + (++tokens);
      tasks.put(token, new Task());
      e.token = token;
      e.deadline = tick + approvalTicks;
      try {
        p.requestApproval(new PromotionRequest.RequestApproval(e.application, e.rolloutId, e.stageIndex, token, e.arn,
            approvalTicks * 900L));
      } catch (RuntimeException | Interleaver.Crash x) {
        tasks.get(token).timedOut = true; // the invocation failed, so did the task: retried with a new token
        e.token = null;
        if (++e.attempts > TASK_RETRIES) {
          fail(e, x);
        }
      }
      return;
    }
    Task t = tasks.get(e.token);
    if (t.open() && tick >= e.deadline) {
      t.timedOut = true;
      t.error = "States.Timeout";
    }
    if (t.success != null) {
      e.approval = t.success;
      e.token = null;
      e.attempts = 0;
      e.state = WorkflowRoutes.AFTER_APPROVAL;
    } else if (t.error != null) {
      e.token = null;
      e.attempts = 0;
      e.error = t.error;
      e.state = WorkflowRoutes.APPROVAL_ERRORS.getOrDefault(t.error, State.REPORT_FAILURE);
    }
  }

  private static void fail(Execution e, Throwable x) {
    e.state = State.REPORT_FAILURE;
    e.attempts = 0;
    e.error = x instanceof Interleaver.Crash ? "Lambda.Unknown" : "States.TaskFailed";
    e.cause = String.valueOf(x.getMessage());
  }
}
