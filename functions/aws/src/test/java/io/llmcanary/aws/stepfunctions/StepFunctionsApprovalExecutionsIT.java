package io.llmcanary.aws.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.ports.ApprovalExecutions.Check;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ApprovePromotion execution lookup against moto: executions that wait on an SQS task token stay RUNNING, as an
 * ApprovePromotion execution does while its Decide step calls the promotion function.
 */
@AwsIntegrationTest
class StepFunctionsApprovalExecutionsIT {

  private static SfnClient sfn;
  private static SqsClient sqs;

  private String approveArn;
  private String otherArn;

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

  private String waitingStateMachine(String name) {
    String queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String definition = """
        {"StartAt": "Decide", "States": {
          "Decide": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "%s", "MessageBody": {"taskToken.$": "$$.Task.Token"}}, "End": true}}}"""
        .formatted(queueUrl);
    return sfn.createStateMachine(b -> b.name(name).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/state-machines")).stateMachineArn();
  }

  @BeforeEach
  void stateMachines() {
    String id = UUID.randomUUID().toString().substring(0, 8);
    approveArn = waitingStateMachine("approve-" + id);
    otherArn = waitingStateMachine("other-" + id);
  }

  private String start(String stateMachineArn, String input) {
    return sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name("x-" + UUID.randomUUID()).input(input))
        .executionArn();
  }

  @Test
  void aRunningExecutionStartedToMakeThisDecisionChecksOut() {
    String arn = start(approveArn, "{\"rolloutId\": \"r-1\", \"decision\": \"Approve\", \"reason\": \"ok\"}");

    Check c = new StepFunctionsApprovalExecutions(sfn, approveArn).check(arn, null, "r-1", "approve");

    assertThat(c).isEqualTo(new Check.Verified(arn));
  }

  @Test
  void anExecutionStartedForAnotherRolloutOrDecisionIsRefused() {
    String arn = start(approveArn, "{\"rolloutId\": \"r-2\", \"decision\": \"reject\"}");
    StepFunctionsApprovalExecutions executions = new StepFunctionsApprovalExecutions(sfn, approveArn);

    assertThat(executions.check(arn, null, "r-2", "approve")).isInstanceOf(Check.Refused.class);
    assertThat(executions.check(arn, null, "r-other", "reject")).isInstanceOf(Check.Refused.class);
    assertThat(executions.check(arn, "support-chat", "r-2", "reject")).isInstanceOf(Check.Refused.class);
  }

  @Test
  void anExecutionOfAnotherStateMachineOrAnUnknownOneIsRefusedSayingWhy() {
    String other = start(otherArn, "{\"rolloutId\": \"r-3\", \"decision\": \"approve\"}");
    StepFunctionsApprovalExecutions executions = new StepFunctionsApprovalExecutions(sfn, approveArn);

    assertThat(executions.check(other, null, "r-3", "approve")).isInstanceOfSatisfying(Check.Refused.class,
        r -> assertThat(r.why()).contains("not one of the ApprovePromotion state machine"));
    String unknown = approveArn.replace(":stateMachine:", ":execution:") + ":nobody-started-this";
    assertThat(executions.check(unknown, null, "r-3", "approve")).isInstanceOfSatisfying(Check.Refused.class,
        r -> assertThat(r.why()).contains("there is no execution"));
  }

  @Test
  void anExecutionThatHasEndedIsRefused() throws InterruptedException {
    // an ApprovePromotion look-alike that ends at once: its ARN stays valid, its status does not
    String name = "ended-" + UUID.randomUUID().toString().substring(0, 8);
    String ended = sfn.createStateMachine(b -> b.name(name)
        .definition("{\"StartAt\": \"Done\", \"States\": {\"Done\": {\"Type\": \"Pass\", \"End\": true}}}")
        .roleArn("arn:aws:iam::123456789012:role/state-machines")).stateMachineArn();
    String arn = start(ended, "{\"rolloutId\": \"r-4\", \"decision\": \"approve\"}");
    for (int i = 0; i < 200 && sfn.describeExecution(b -> b.executionArn(arn)).status()
        == software.amazon.awssdk.services.sfn.model.ExecutionStatus.RUNNING; i++) {
      Thread.sleep(50);
    }

    assertThat(new StepFunctionsApprovalExecutions(sfn, ended).check(arn, null, "r-4", "approve"))
        .isInstanceOfSatisfying(Check.Refused.class, r -> assertThat(r.why()).contains("not running"));
  }
}
