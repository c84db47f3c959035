package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.ConfigAndMetricsStub;
import io.llmcanary.testing.Java21;
import io.llmcanary.testing.LambdaJavaRuntime;
import io.llmcanary.testing.LogLines;
import io.llmcanary.testing.RuntimeApiServer;
import io.llmcanary.testing.TemplateFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployable jar as Lambda's java21 runtime runs it: under AWS's runtime interface client on a Java 21 JVM, with
 * the handler, memory, JVM options, log format and variables of {@code HealthCheckFunction} in template.yaml. Local
 * stand-ins for what a deployment resolves: moto for DynamoDB and SNS (and SFN), a loopback stub for AppConfig's hosted
 * configuration reads and CloudWatch GetMetricData, reached through the SDK's {@code AWS_ENDPOINT_URL_<SERVICE>}
 * variables. The scheduler's event goes through the runtime's own deserialisation into the handler's Map.
 */
@AwsIntegrationTest
class HealthCheckUnderRuntimeClientIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path JAR = Path.of("target", "canary-health-check-lambda.jar");
  static final String APP = "support-chat";

  static Map<String, String> variables(AwsEndpoint aws, ConfigAndMetricsStub stub, String table, String topicArn) {
    Map<String, String> v = new HashMap<>(TemplateFunction.of("HealthCheckFunction").environment(Map.of(
        "ROLLOUT_TABLE", table, "ALERT_TOPIC_ARN", topicArn,
        "APPCONFIG_APPLICATION_ID", "app1234", "APPCONFIG_ENVIRONMENT_ID", "env1234",
        "APPCONFIG_PROFILE_ID", "prof123", "APPCONFIG_DEPLOYMENT_STRATEGY_ID", "imm1234",
        "CANARY_STACK_NAME", "llm-canary-ric", "CANARY_METRICS_NAMESPACE", "LlmCanaryRuntimeClientIT",
        "CANARY_APPLICATION", "default", "CANARY_LOG_GROUP", "llm-canary-ric-HealthCheckLogGroup")));
    v.put("AWS_REGION", aws.region().id());
    v.put("AWS_DEFAULT_REGION", aws.region().id());
    for (String service : List.of("DYNAMODB", "SNS", "SFN")) {
      v.put("AWS_ENDPOINT_URL_" + service, aws.uri().toString());
    }
    v.put("AWS_ENDPOINT_URL_APPCONFIG", stub.uri().toString());
    v.put("AWS_ENDPOINT_URL_CLOUDWATCH", stub.uri().toString());
    return v;
  }

  static LambdaJavaRuntime start(String name, Map<String, String> variables) {
    assertThat(JAR).exists();
    return LambdaJavaRuntime.start(LambdaJavaRuntime.Spec.of(name, JAR, TemplateFunction.of("HealthCheckFunction"),
        variables, Path.of("target", "runtime-client", name)));
  }

  @Test
  void runsTheScheduledCheckOnTheSchedulersEventAndLogsOnlyJsonLines(AwsEndpoint aws) throws Exception {
    String subject = "[llm-canary] runtime client rollback";
    try (ScheduledRunWorld world = new ScheduledRunWorld(aws, "ric-", subject)) {
      ConfigAndMetricsStub stub = world.stub;
      String table = world.table;
      String topicArn = world.topicArn;
      JsonNode configJson = world.config;

      try (LambdaJavaRuntime runtime = start("llm-canary-health-check", variables(aws, stub, table, topicArn))) {
        RuntimeApiServer.Outcome outcome =
            runtime.invoke(Files.readString(Java21.root().resolve("events/health-check-scheduled.json")));
        assertThat(outcome).as(outcome.body() + "\n" + runtime.output()).isInstanceOf(RuntimeApiServer.Response.class);
        world.assertTheRunFinishedTheOwedPageAndJudgedTheOther(JSON.readTree(outcome.body()), subject);

        List<String> lines = runtime.stdoutLines();
        assertThat(lines).as(runtime.output()).isNotEmpty();
        assertThat(LogLines.notJsonObjects(lines)).as(runtime.output()).isEmpty();
        assertThat(LogLines.emfViolations(lines)).as(runtime.output()).isEmpty();
        // The rollout config's prompts are content, not log material.
        List<String> output = Stream.concat(lines.stream(), runtime.stderr().lines()).toList();
        for (String version : List.of("stable", "canary")) {
          assertThat(LogLines.containing(output, configJson.at("/versions/" + version + "/systemPrompt").asText()))
              .isEmpty();
        }
        assertThat(runtime.nativeClientLoaded()).hasValue(true);
      }
    }
  }

  @Test
  void aMissingVariableIsReportedThroughInitErrorNamingIt(AwsEndpoint aws) throws Exception {
    try (ConfigAndMetricsStub stub = ConfigAndMetricsStub.start("{}")) {
      Map<String, String> v = variables(aws, stub, "ric-missing", "arn:aws:sns:us-east-1:123456789012:ric-missing");
      v.remove("ROLLOUT_TABLE");
      try (LambdaJavaRuntime broken = start("llm-canary-health-check-no-table", v)) {
        RuntimeApiServer.InitError error = broken.awaitInitError(Duration.ofSeconds(60));
        assertThat(error.path()).isEqualTo("/2018-06-01/runtime/init/error");
        assertThat(JSON.readTree(error.body()).path("errorMessage").asText()).contains("ROLLOUT_TABLE");
        assertThat(broken.api().requests()).noneMatch(r -> r.endsWith("/invocation/next"));
        assertThat(broken.exitCode()).hasValue(1);
        assertThat(LogLines.notJsonObjects(broken.stdoutLines())).as(broken.output()).isEmpty();
      }
    }
  }
}
