package io.llmcanary.aws.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmcanary.core.promotion.Approval;
import io.llmcanary.core.ports.ApprovalGateway.StaleTaskTokenException;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The Step Functions adapters against moto's state machine interpreter. The waiting task is an SQS
 * {@code .waitForTaskToken} task (moto runs it in-process; a Lambda task would need Docker), so the token
 * arrives in a queue, as it would reach the promotion function in its payload.
 */
@AwsIntegrationTest
class StepFunctionsAdaptersIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SfnClient sfn;
  private static SqsClient sqs;

  private String queueUrl;
  private String stateMachineArn;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    aws.enableStepFunctionsExecution();
    sfn = aws.client(SfnClient.builder());
    sqs = aws.client(SqsClient.builder());
  }

  @AfterAll
  static void close() {
    sfn.close();
    sqs.close();
  }

  @BeforeEach
  void waitingStateMachine() {
    String name = "approval-" + UUID.randomUUID();
    queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String definition = """
        {"StartAt": "AwaitApproval", "States": {
          "AwaitApproval": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "%s",
              "MessageBody": {"taskToken.$": "$$.Task.Token", "input.$": "$"}},
            "ResultPath": "$.approval", "End": true}}}""".formatted(queueUrl);
    stateMachineArn = sfn.createStateMachine(b -> b.name(name).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/promotion")).stateMachineArn();
  }

  private JsonNode waitingTask() throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages()) {
        return JSON.readTree(m.body());
      }
    }
    throw new AssertionError("no task token arrived in " + queueUrl);
  }

  private DescribeExecutionResponse finished(String executionArn) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    DescribeExecutionResponse d;
    do {
      d = sfn.describeExecution(b -> b.executionArn(executionArn));
      if (d.status() != ExecutionStatus.RUNNING) {
        return d;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("execution still running: " + executionArn);
  }

  @Test
  void theStarterNamesTheExecutionAfterTheRolloutAndPassesItsInput() throws Exception {
    String arn = new StepFunctionsWorkflowStarter(sfn, stateMachineArn, Map.of("stageSeconds", 5))
        .start("support-chat", "concise:2026-11-26");

    assertThat(arn).endsWith(":concise-2026-11-26");
    JsonNode task = waitingTask();
    assertThat(task.path("input")).isEqualTo(JSON.readTree(
        "{\"application\":\"support-chat\",\"rolloutId\":\"concise:2026-11-26\",\"stageSeconds\":5}"));
  }

  @Test
  void approveCompletesTheWaitingTaskWithTheDecisionAsItsOutput() throws Exception {
    String arn = new StepFunctionsWorkflowStarter(sfn, stateMachineArn, Map.of()).start("app", "r-approve");
    String token = waitingTask().path("taskToken").asText();

    Approval approval = new Approval("approve", "arn:aws:sts::1:assumed-role/Ops/\"bob\"", "ok\nreally", 0, 1);
    new StepFunctionsApprovalGateway(sfn).approve(token, approval);

    DescribeExecutionResponse d = finished(arn);
    assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    // the workflow hands the output on as "approval": the same record read back, as ApplyStage reads it
    assertThat(JSON.treeToValue(JSON.readTree(d.output()).path("approval"), Approval.class)).isEqualTo(approval);
  }

  @Test
  void rejectFailsTheWaitingTaskWithTheNamedError() throws Exception {
    String arn = new StepFunctionsWorkflowStarter(sfn, stateMachineArn, Map.of()).start("app", "r-reject");
    String token = waitingTask().path("taskToken").asText();

    new StepFunctionsApprovalGateway(sfn).reject(token, "Rejected", "rejected by bob: tone");

    DescribeExecutionResponse d = finished(arn);
    assertThat(d.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(d.error()).isEqualTo("Rejected");
  }

  @Test
  void aTokenWhoseTaskIsGoneIsStale() throws Exception {
    String arn = new StepFunctionsWorkflowStarter(sfn, stateMachineArn, Map.of()).start("app", "r-stale");
    String token = waitingTask().path("taskToken").asText();
    StepFunctionsApprovalGateway gateway = new StepFunctionsApprovalGateway(sfn);
    gateway.approve(token, Approval.of("bob", "ok", 0));
    // The emulator completes the task asynchronously: until the execution has moved on, the token may still count.
    assertThat(finished(arn).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    assertThatThrownBy(() -> gateway.approve(token, Approval.of("bob", "ok", 0))).isInstanceOf(StaleTaskTokenException.class)
        .hasMessageContaining("no longer waits");
    assertThatThrownBy(() -> gateway.reject("never-issued", "Rejected", "x")).isInstanceOf(StaleTaskTokenException.class);
  }
}
