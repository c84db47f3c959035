package io.llmcanary.core.promotion;

import java.util.EnumMap;
import java.util.Map;

/**
 * The promotion workflow's routing as data: after each action, which {@link Next} value leads to which state;
 * which error of the approval task leads where. The state machine definition
 * ({@code infrastructure/statemachine/promotion.asl.json}) and {@link InProcessWorkflow} both follow this table,
 * and a test holds the definition's Choice states and Catch clauses to it, so the workflow that runs locally and
 * in the simulator is the one that runs in Step Functions.
 */
public final class WorkflowRoutes {

  private WorkflowRoutes() {}

  /** The states of the workflow, by their name in the state machine definition. */
  public enum State {
    APPLY_STAGE("ApplyStage"),
    WAIT_STAGE("WaitStage"),
    GATE("Gate"),
    AWAIT_APPROVAL("AwaitApproval"),
    FINALIZE("Finalize"),
    EXPIRE_APPROVAL("ExpireApproval"),
    REPORT_FAILURE("ReportFailure"),
    PROMOTED("Promoted"),
    ROLLED_BACK("RolledBack"),
    REJECTED("Rejected"),
    FAILED("Failed");

    private final String aslName;

    State(String aslName) {
      this.aslName = aslName;
    }

    public String aslName() {
      return aslName;
    }

    public boolean terminal() {
      return this == PROMOTED || this == ROLLED_BACK || this == REJECTED || this == FAILED;
    }
  }

  /** The Task state that runs each action, and the Choice state that routes on its result. */
  public enum Action {
    APPLY_STAGE("apply-stage", State.APPLY_STAGE, "AfterApplyStage"),
    GATE("gate", State.GATE, "AfterGate"),
    REQUEST_APPROVAL("request-approval", State.AWAIT_APPROVAL, null),
    FINALIZE("finalize", State.FINALIZE, "AfterFinalize"),
    EXPIRE_APPROVAL("expire-approval", State.EXPIRE_APPROVAL, "AfterExpireApproval"),
    REPORT_FAILURE("report-failure", State.REPORT_FAILURE, null);

    private final String wireName;
    private final State taskState;
    private final String choiceState;

    Action(String wireName, State taskState, String choiceState) {
      this.wireName = wireName;
      this.taskState = taskState;
      this.choiceState = choiceState;
    }

    public String wireName() {
      return wireName;
    }

    public State taskState() {
      return taskState;
    }

    /** The Choice state after the task, or null when the task leads to one state whatever it answers. */
    public String choiceState() {
      return choiceState;
    }
  }

  /** Where a Choice's Default goes: an answer no rule expects is a failure to report. */
  public static final String UNEXPECTED_RESULT = "UnexpectedResult";

  /** The approval task's error names (SendTaskFailure, or the task's own timeout) and where each leads. */
  public static final Map<String, State> APPROVAL_ERRORS = Map.of(
      Promotion.ERROR_ROLLED_BACK, State.ROLLED_BACK,
      Promotion.ERROR_REJECTED, State.REJECTED,
      "States.Timeout", State.EXPIRE_APPROVAL,
      "States.ALL", State.REPORT_FAILURE);

  /** Where the workflow goes after an action answered {@code next}; null when no route expects that answer. */
  public static State after(Action action, Next next) {
    return routes(action).get(next);
  }

  /** Every answer an action may give, with where it leads. */
  public static Map<Next, State> routes(Action action) {
    Map<Next, State> m = new EnumMap<>(Next.class);
    switch (action) {
      case APPLY_STAGE -> {
        m.put(Next.WAIT, State.WAIT_STAGE);
        // a resumed execution that finds the stage waiting for approval asks again
        m.put(Next.REQUEST_APPROVAL, State.AWAIT_APPROVAL);
        m.put(Next.FINALIZE, State.FINALIZE);
        m.put(Next.PROMOTED, State.PROMOTED);
        m.put(Next.ROLLED_BACK, State.ROLLED_BACK);
        m.put(Next.REJECTED, State.REJECTED);
      }
      case GATE -> {
        m.put(Next.WAIT_AGAIN, State.WAIT_STAGE);
        m.put(Next.REQUEST_APPROVAL, State.AWAIT_APPROVAL);
        m.put(Next.PROMOTED, State.PROMOTED);
        m.put(Next.ROLLED_BACK, State.ROLLED_BACK);
        m.put(Next.REJECTED, State.REJECTED);
      }
      case FINALIZE, EXPIRE_APPROVAL -> {
        m.put(Next.PROMOTED, State.PROMOTED);
        m.put(Next.ROLLED_BACK, State.ROLLED_BACK);
        m.put(Next.REJECTED, State.REJECTED);
      }
      case REQUEST_APPROVAL -> {
        // a callback task: it ends with the decision (success: the next stage) or an error (APPROVAL_ERRORS)
      }
      case REPORT_FAILURE -> {
        // always ends in Failed
      }
    }
    return m;
  }

  /** After a successful approval task: the next stage. */
  public static final State AFTER_APPROVAL = State.APPLY_STAGE;
  /** After a Wait state: the gate. */
  public static final State AFTER_WAIT = State.GATE;
  /** After reporting a failure (also when the report itself fails). */
  public static final State AFTER_REPORT = State.FAILED;
}
