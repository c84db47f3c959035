package io.llmcanary.core.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorCommandsTest {

  @Test
  void theLogsCommandNamesTheTemplatesLogGroupWhenGivenElseLambdasDefault() {
    OperatorCommands named = new OperatorCommands("llm-canary-HealthCheck-abc", "eu-west-1", "llm-canary", null, null,
        "llm-canary-HealthCheckLogGroup-XYZ");
    assertThat(named.inspect("support-chat", "r1"))
        .contains("aws logs tail llm-canary-HealthCheckLogGroup-XYZ --since 1h --region eu-west-1")
        .noneMatch(c -> c.contains("/aws/lambda/"));

    OperatorCommands unnamed = new OperatorCommands("fn", "eu-west-1", "llm-canary", null, null);
    assertThat(unnamed.inspect("support-chat", "r1")).contains("aws logs tail /aws/lambda/fn --since 1h --region eu-west-1");
  }

  @Test
  void theInspectCommandsAreTheCliCommandsThatExistOnTheNamedStack() {
    assertThat(new OperatorCommands(null, null, "llm-canary", null, null).inspect("app", "r1"))
        .containsExactly("./canaryctl status r1 --stack llm-canary", "./canaryctl history r1 --stack llm-canary");
  }
}
