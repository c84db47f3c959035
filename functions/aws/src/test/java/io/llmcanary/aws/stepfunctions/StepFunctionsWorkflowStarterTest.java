package io.llmcanary.aws.stepfunctions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StepFunctionsWorkflowStarterTest {

  @Test
  void executionNamesKeepOnlyCharactersStepFunctionsAndCloudWatchAccept() {
    assertThat(StepFunctionsWorkflowStarter.executionName("concise:2026.11.26")).isEqualTo("concise-2026-11-26");
    assertThat(StepFunctionsWorkflowStarter.executionName("x".repeat(128))).hasSize(80);
  }

  @Test
  void theInputCarriesTheRolloutAndTheSettingsAsJson() {
    StepFunctionsWorkflowStarter s = new StepFunctionsWorkflowStarter(
        software.amazon.awssdk.services.sfn.SfnClient.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
            .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create()).build(),
        "arn:aws:states:us-east-1:1:stateMachine:p", Map.of("stageSeconds", 60, "note", "a \"b\""));
    assertThat(s.input("app", "r1"))
        .isEqualTo("{\"application\":\"app\",\"rolloutId\":\"r1\",\"note\":\"a \\\"b\\\"\",\"stageSeconds\":60}");
  }

  @Test
  void longSendTaskFailureFieldsAreCutToTheApiLimits() {
    assertThat(StepFunctionsApprovalGateway.cut("e".repeat(300), StepFunctionsApprovalGateway.MAX_ERROR)).hasSize(256)
        .endsWith("...");
    assertThat(StepFunctionsApprovalGateway.cut("short", 256)).isEqualTo("short");
  }
}
