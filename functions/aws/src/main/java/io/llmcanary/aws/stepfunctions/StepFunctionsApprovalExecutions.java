package io.llmcanary.aws.stepfunctions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ApprovalExecutions;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;

/**
 * Verifies an ApprovePromotion execution with DescribeExecution: it must be an execution of this stack's
 * ApprovePromotion state machine, still RUNNING (its Decide step is what calls), and started with the input that asks
 * for this decision on this rollout. One call per decision; no other API.
 */
public final class StepFunctionsApprovalExecutions implements ApprovalExecutions {

  private final SfnClient sfn;
  private final String stateMachineArn;

  public StepFunctionsApprovalExecutions(SfnClient sfn, String approveStateMachineArn) {
    this.sfn = Objects.requireNonNull(sfn, "sfn");
    this.stateMachineArn = Objects.requireNonNull(approveStateMachineArn, "approveStateMachineArn");
  }

  @Override
  public Check check(String executionArn, String application, String rolloutId, String decision) {
    if (executionArn == null || executionArn.isBlank()) {
      return new Check.Refused("no executionArn in the payload");
    }
    DescribeExecutionResponse d;
    try {
      d = sfn.describeExecution(b -> b.executionArn(executionArn));
    } catch (ExecutionDoesNotExistException | InvalidArnException e) {
      return new Check.Refused("there is no execution " + executionArn);
    }
    if (!stateMachineArn.equals(d.stateMachineArn())) {
      return new Check.Refused("execution " + executionArn + " is not one of the ApprovePromotion state machine "
          + stateMachineArn);
    }
    if (d.status() != ExecutionStatus.RUNNING) {
      return new Check.Refused("execution " + executionArn + " is " + d.statusAsString() + ", not running: a decision"
          + " comes from the execution's own Decide step");
    }
    JsonNode input;
    try {
      input = Json.MAPPER.readTree(d.input() == null ? "{}" : d.input());
    } catch (JsonProcessingException e) {
      return new Check.Refused("execution " + executionArn + " has an input that is not JSON");
    }
    String app = input.path("application").asText(RolloutConfig.DEFAULT_APPLICATION);
    if (app.isBlank()) {
      app = RolloutConfig.DEFAULT_APPLICATION;
    }
    boolean same = app.equals(application == null || application.isBlank() ? RolloutConfig.DEFAULT_APPLICATION
        : application)
        && input.path("rolloutId").asText("").equals(rolloutId)
        && norm(input.path("decision").asText("")).equals(norm(decision));
    return same ? new Check.Verified(executionArn) : new Check.Refused("execution " + executionArn
        + " was started to decide something else (its input names another rollout, application or decision)");
  }

  private static String norm(String s) {
    return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
  }
}
