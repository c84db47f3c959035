package io.llmcanary.core.promotion;

/**
 * The promotion function's actions, one record each, as the state machines send them (the {@code action} field
 * of the Lambda payload names the record, see {@link WorkflowRoutes.Action}). Application defaults to "default".
 */
public sealed interface PromotionRequest {

  String application();

  String rolloutId();

  /**
   * Put the rollout's current stage into effect: the canary percent of the stage in the config. After an
   * approval the workflow passes the decision along, so that the stage moves even if the deciding call died
   * between completing the task and writing the state.
   *
   * @param executionArn the workflow execution driving the rollout
   * @param approval     the decision that ended the previous stage, or null for the first stage
   */
  record ApplyStage(String application, String rolloutId, String executionArn, Approval approval, boolean resume)
      implements PromotionRequest {
    public ApplyStage {
      application = orDefault(application);
    }

    public ApplyStage(String application, String rolloutId, String executionArn, Approval approval) {
      this(application, rolloutId, executionArn, approval, false);
    }
  }

  /**
   * The end-of-stage gate: judge everything since the stage began.
   *
   * @param inconclusiveWaits    extra waits already spent on an inconclusive gate in this stage
   * @param maxInconclusiveWaits how many extra waits are allowed before a person is asked
   */
  record Gate(String application, String rolloutId, int stageIndex, int inconclusiveWaits, int maxInconclusiveWaits)
      implements PromotionRequest {
    public Gate {
      application = orDefault(application);
    }
  }

  /**
   * Store the waiting task's token and ask a person, with the evidence.
   *
   * @param approvalTimeoutSeconds how long the workflow waits for the decision (for the message; 0: not said)
   */
  record RequestApproval(String application, String rolloutId, int stageIndex, String taskToken, String executionArn,
      long approvalTimeoutSeconds) implements PromotionRequest {
    public RequestApproval {
      application = orDefault(application);
    }
  }

  /**
   * A person's decision on the waiting stage: {@code approve} or {@code reject}.
   *
   * @param actor        who decides (an IAM principal, the ApprovePromotion execution, the CLI user), as the front
   *                     door that received the decision knows it ({@link Actor}); never a payload's word
   * @param executionArn the ApprovePromotion execution that sends the decision (its payload's field, which the
   *                     promotion function looks up before it names the execution as the actor); null otherwise
   */
  record Decide(String application, String rolloutId, String decision, String actor, String reason,
      String executionArn) implements PromotionRequest {
    public Decide {
      application = orDefault(application);
    }

    public Decide(String application, String rolloutId, String decision, String actor, String reason) {
      this(application, rolloutId, decision, actor, reason, null);
    }
  }

  /** The last stage is reached: the canary becomes the new stable. */
  record Finalize(String application, String rolloutId) implements PromotionRequest {
    public Finalize {
      application = orDefault(application);
    }
  }

  /** Nobody decided within the approval timeout: end the rollout as rejected, canary at 0%. */
  record ExpireApproval(String application, String rolloutId, int stageIndex, long timeoutSeconds)
      implements PromotionRequest {
    public ExpireApproval {
      application = orDefault(application);
    }
  }

  /** The workflow caught an error it cannot handle: record it and tell a person. */
  record ReportFailure(String application, String rolloutId, String error, String cause, String executionArn)
      implements PromotionRequest {
    public ReportFailure {
      application = orDefault(application);
    }
  }

  private static String orDefault(String application) {
    return application == null || application.isBlank() ? io.llmcanary.core.config.RolloutConfig.DEFAULT_APPLICATION
        : application;
  }
}
