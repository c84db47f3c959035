package io.llmcanary.aws.stepfunctions;

import io.llmcanary.codec.Json;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.promotion.Approval;
import java.util.Objects;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Completes the promotion workflow's waiting approval task ({@code .waitForTaskToken}) with SendTaskSuccess or
 * SendTaskFailure. A token whose task is gone is reported as {@link StaleTaskTokenException}: Step Functions
 * answers TaskTimedOut when the task timed out or was already completed, InvalidToken for a token it does not
 * know (or one of an execution that ended), TaskDoesNotExist for a task it no longer has.
 */
public final class StepFunctionsApprovalGateway implements ApprovalGateway {

  /** SendTaskFailure limits: error up to 256 characters, cause up to 32768. */
  static final int MAX_ERROR = 256;
  static final int MAX_CAUSE = 32_768;

  private final SfnClient sfn;

  public StepFunctionsApprovalGateway(SfnClient sfn) {
    this.sfn = Objects.requireNonNull(sfn, "sfn");
  }

  @Override
  public void approve(String taskToken, Approval approval) {
    String output = output(approval);
    try {
      sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(output));
    } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
      throw stale(e);
    }
  }

  @Override
  public void reject(String taskToken, String error, String cause) {
    try {
      sfn.sendTaskFailure(b -> b.taskToken(taskToken).error(cut(error, MAX_ERROR)).cause(cut(cause, MAX_CAUSE)));
    } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
      throw stale(e);
    }
  }

  /** The task output the workflow hands to ApplyStage as "approval": the record's fields as a JSON object. */
  static String output(Approval approval) {
    try {
      return Json.MAPPER.writeValueAsString(approval);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the approval", e);
    }
  }

  private static StaleTaskTokenException stale(RuntimeException e) {
    String code = e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s && s.awsErrorDetails() != null
        ? s.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
    return new StaleTaskTokenException("the approval task no longer waits (Step Functions: " + code + ")", e);
  }

  static String cut(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
