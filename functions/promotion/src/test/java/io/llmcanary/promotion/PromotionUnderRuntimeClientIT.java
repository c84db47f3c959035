package io.llmcanary.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.ControlPlaneStub;
import io.llmcanary.testing.Java21;
import io.llmcanary.testing.LambdaJavaRuntime;
import io.llmcanary.testing.LogLines;
import io.llmcanary.testing.RuntimeApiServer;
import io.llmcanary.testing.TemplateFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The deployable jar as Lambda's java21 runtime runs it: under AWS's runtime interface client on a Java 21 JVM, with
 * the handler, memory, JVM options, log format and variables of {@code PromotionFunction} in template.yaml, on every
 * sample event of the promotion workflow's tasks, the ApprovePromotion workflow's decision and the rollout routes.
 * Local stand-ins: moto for DynamoDB (the rollout table, conditional writes for real) and SNS (alerts into a queue), a
 * stateful loopback stub for AppConfig (hosted versions, deployments), Step Functions (executions, task callbacks) and
 * CloudWatch GetMetricData (no data), reached through the SDK's {@code AWS_ENDPOINT_URL_<SERVICE>} variables.
 */
@AwsIntegrationTest
class PromotionUnderRuntimeClientIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path JAR = Path.of("target", "canary-promotion-lambda.jar");
  static final String APP = "support-chat";
  static final String ROLLOUT = "concise-2026-11-26";

  DynamoDbClient dynamo;
  SnsClient sns;
  SqsClient sqs;
  ControlPlaneStub stub;
  DynamoDbRolloutStore store;
  String table;
  String topicArn;
  String queueUrl;
  String config;

  @BeforeEach
  void resources(AwsEndpoint aws) throws IOException {
    dynamo = aws.client(DynamoDbClient.builder());
    sns = aws.client(SnsClient.builder());
    sqs = aws.client(SqsClient.builder());
    table = "ric-" + UUID.randomUUID();
    DynamoDbRolloutStore.createTable(dynamo, table);
    store = new DynamoDbRolloutStore(dynamo, table);
    topicArn = sns.createTopic(b -> b.name(table)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName(table)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    // Where every rollout starts: the example config's stable version, no canary.
    ObjectNode baseline = (ObjectNode) JSON.readTree(
        Files.readString(Java21.root().resolve("infrastructure/appconfig/rollout-config.example.json")));
    baseline.put("canaryPercent", 0);
    ((ObjectNode) baseline.get("versions")).remove("canary");
    config = baseline.toString();
    stub = ControlPlaneStub.start(config);
  }

  @AfterEach
  void close() {
    stub.close();
    dynamo.close();
    sns.close();
    sqs.close();
  }

  Map<String, String> variables(AwsEndpoint aws) {
    Map<String, String> v = new HashMap<>(TemplateFunction.of("PromotionFunction").environment(Map.ofEntries(
        Map.entry("ROLLOUT_TABLE", table), Map.entry("ALERT_TOPIC_ARN", topicArn),
        Map.entry("APPCONFIG_APPLICATION_ID", "app1234"), Map.entry("APPCONFIG_ENVIRONMENT_ID", "env1234"),
        Map.entry("APPCONFIG_PROFILE_ID", "prof123"), Map.entry("APPCONFIG_DEPLOYMENT_STRATEGY_ID", "imm1234"),
        Map.entry("PROMOTION_STATE_MACHINE_ARN",
            "arn:aws:states:us-east-1:123456789012:stateMachine:llm-canary-promotion"),
        Map.entry("APPROVE_STATE_MACHINE_ARN",
            "arn:aws:states:us-east-1:123456789012:stateMachine:llm-canary-ApprovePromotion"),
        Map.entry("API_BASE_URL", "https://abc123.execute-api.us-east-1.amazonaws.com"),
        Map.entry("CANARY_METRICS_NAMESPACE", "LlmCanaryRuntimeClientIT"), Map.entry("CANARY_APPLICATION", "default"),
        // the parameters' defaults: no operator allow-list, no two-person rule
        Map.entry("CANARY_OPERATOR_PRINCIPALS", ""), Map.entry("CANARY_REQUIRE_SEPARATE_APPROVER", "false"))));
    v.put("AWS_REGION", aws.region().id());
    v.put("AWS_DEFAULT_REGION", aws.region().id());
    v.put("AWS_ENDPOINT_URL_DYNAMODB", aws.uri().toString());
    v.put("AWS_ENDPOINT_URL_SNS", aws.uri().toString());
    for (String service : List.of("APPCONFIG", "SFN", "CLOUDWATCH")) {
      v.put("AWS_ENDPOINT_URL_" + service, stub.uri().toString());
    }
    return v;
  }

  LambdaJavaRuntime start(String name, Map<String, String> variables) {
    assertThat(JAR).exists();
    return LambdaJavaRuntime.start(LambdaJavaRuntime.Spec.of(name, JAR, TemplateFunction.of("PromotionFunction"),
        variables, Path.of("target", "runtime-client", name)));
  }

  static ObjectNode event(String name) throws IOException {
    return (ObjectNode) JSON.readTree(Files.readString(Java21.root().resolve("events/" + name + ".json")));
  }

  /** The runtime's answer to {@code event}, which must be a response (not a function error), as JSON. */
  static JsonNode respond(LambdaJavaRuntime r, JsonNode event) throws IOException {
    RuntimeApiServer.Outcome o = r.invoke(event.toString());
    assertThat(o).as(event + " -> " + o.body()).isInstanceOf(RuntimeApiServer.Response.class);
    return JSON.readTree(o.body());
  }

  static JsonNode respond(LambdaJavaRuntime r, String name) throws IOException {
    return respond(r, event(name));
  }

  static JsonNode body(JsonNode apiResponse) throws IOException {
    return JSON.readTree(apiResponse.path("body").asText());
  }

  /** A gate that has waited as often as it may, so an inconclusive stage goes to a person. */
  static ObjectNode gate(int stage) throws IOException {
    return event("promotion-gate").put("stageIndex", stage).put("inconclusiveWaits", 2);
  }

  static ObjectNode requestApproval(int stage) throws IOException {
    return event("promotion-request-approval").put("stageIndex", stage).put("taskToken", "token-stage-" + stage);
  }

  static ObjectNode applyAfterApproval(int from) throws IOException {
    ObjectNode e = event("promotion-apply-stage-after-approval");
    ((ObjectNode) e.get("approval")).put("fromStage", from).put("toStage", from + 1);
    return e;
  }

  List<JsonNode> delivered() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages()) {
        out.add(JSON.readTree(m.body()));
      }
    }
    return out;
  }

  static double canaryPercent(String config) throws IOException {
    return JSON.readTree(config).path("canaryPercent").asDouble();
  }

  @Test
  void promotesARolloutThroughEveryWorkflowTaskTheApiAndTheApprovalWorkflow(AwsEndpoint aws) throws Exception {
    try (LambdaJavaRuntime runtime = start("llm-canary-promotion", variables(aws))) {
      assertThat(respond(runtime, "promotion-start").path("applied").asBoolean()).isTrue();
      assertThat(respond(runtime, "promotion-apply-stage").path("next").asText()).isEqualTo("WAIT");
      assertThat(canaryPercent(stub.deployedConfig())).isEqualTo(5.0);
      JsonNode gate = respond(runtime, "promotion-gate");
      assertThat(gate.path("outcome").asText()).as(gate.toString()).isEqualTo("INCONCLUSIVE");
      assertThat(gate.path("next").asText()).isEqualTo("WAIT_AGAIN");

      // Stage 0 approved through the rollout API, stage 1 through ApprovePromotion's decide, stage 2 likewise.
      for (int stage = 0; stage < 3; stage++) {
        assertThat(respond(runtime, gate(stage)).path("next").asText()).isEqualTo("REQUEST_APPROVAL");
        assertThat(respond(runtime, requestApproval(stage)).path("next").asText()).isEqualTo("AWAIT_DECISION");
        if (stage == 0) {
          JsonNode status = respond(runtime, "promotion-api-status");
          assertThat(status.path("statusCode").asInt()).as(status.toString()).isEqualTo(200);
          assertThat(body(status).path("status").asText()).isEqualTo("AWAITING_APPROVAL");
          JsonNode anonymous = respond(runtime, "promotion-api-unauthenticated");
          assertThat(anonymous.path("statusCode").asInt()).as(anonymous.toString()).isIn(401, 403);
          JsonNode approved = respond(runtime, "promotion-api-approve");
          assertThat(approved.path("statusCode").asInt()).as(approved.toString()).isEqualTo(200);
        } else {
          JsonNode decided = respond(runtime, "promotion-decide-approve");
          assertThat(decided.path("applied").asBoolean()).as(decided.toString()).isTrue();
        }
        assertThat(respond(runtime, applyAfterApproval(stage)).path("next").asText())
            .isEqualTo(stage < 2 ? "WAIT" : "FINALIZE");
      }
      assertThat(respond(runtime, "promotion-finalize").path("next").asText()).isEqualTo("PROMOTED");

      assertThat(store.get(APP, ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.PROMOTED);
      JsonNode promoted = JSON.readTree(stub.deployedConfig());
      assertThat(promoted.path("canaryPercent").asDouble()).isEqualTo(0.0);
      assertThat(promoted.at("/versions/stable/systemPrompt").asText())
          .isEqualTo(event("promotion-start").at("/canary/systemPrompt").asText());
      assertThat(stub.stepFunctionsCalls()).extracting(c -> c.path("operation").asText())
          .containsExactly("StartExecution", "SendTaskSuccess", "SendTaskSuccess", "SendTaskSuccess");
      assertThat(delivered()).extracting(a -> a.path("MessageAttributes").path("kind").path("Value").asText())
          .containsExactly("APPROVAL_NEEDED", "APPROVAL_NEEDED", "APPROVAL_NEEDED", "PROMOTED");

      assertOutputIsJsonLinesWithoutContent(runtime);
    }
  }

  @Test
  void rejectsExpiresAndReportsAFailedWorkflowThroughTheRuntimeClient(AwsEndpoint aws) throws Exception {
    try (LambdaJavaRuntime runtime = start("llm-canary-promotion-reject", variables(aws))) {
      assertThat(respond(runtime, "promotion-start").path("applied").asBoolean()).isTrue();
      assertThat(respond(runtime, "promotion-apply-stage").path("next").asText()).isEqualTo("WAIT");
      assertThat(respond(runtime, gate(0)).path("next").asText()).isEqualTo("REQUEST_APPROVAL");
      assertThat(respond(runtime, requestApproval(0)).path("next").asText()).isEqualTo("AWAIT_DECISION");
      JsonNode rejected = respond(runtime, "promotion-api-reject");
      assertThat(rejected.path("statusCode").asInt()).as(rejected.toString()).isEqualTo(200);
      assertThat(store.get(APP, ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.REJECTED);
      assertThat(canaryPercent(stub.deployedConfig())).isEqualTo(0.0);

      // Decisions and expiries that come too late are refused or no-ops, not function errors.
      JsonNode late = respond(runtime, "promotion-decide-reject");
      assertThat(late.path("applied").asBoolean()).as(late.toString()).isFalse();
      JsonNode expired = respond(runtime, "promotion-expire-approval");
      assertThat(expired.path("applied").asBoolean()).as(expired.toString()).isFalse();
      JsonNode failure = respond(runtime, "promotion-report-failure");
      assertThat(failure.path("next").asText()).as(failure.toString()).isEqualTo("FAILED");
      JsonNode again = respond(runtime, "promotion-api-start");
      assertThat(again.path("statusCode").asInt()).as(again.toString()).isBetween(200, 499);

      assertThat(stub.stepFunctionsCalls()).extracting(c -> c.path("operation").asText())
          .startsWith("StartExecution", "SendTaskFailure");
      assertOutputIsJsonLinesWithoutContent(runtime);
    }
  }

  /** Lambda reports a failed initialisation as an init error: the function wires itself at init, so that names it. */
  @Test
  void aMissingVariableIsReportedThroughInitErrorNamingIt(AwsEndpoint aws) throws Exception {
    Map<String, String> v = variables(aws);
    v.remove("ROLLOUT_TABLE");
    try (LambdaJavaRuntime broken = start("llm-canary-promotion-no-table", v)) {
      RuntimeApiServer.InitError error = broken.awaitInitError(Duration.ofSeconds(60));
      assertThat(error.path()).isEqualTo("/2018-06-01/runtime/init/error");
      assertThat(JSON.readTree(error.body()).path("errorMessage").asText()).contains("ROLLOUT_TABLE");
      assertThat(broken.api().requests()).noneMatch(r -> r.endsWith("/invocation/next"));
      assertThat(LogLines.notJsonObjects(broken.stdoutLines())).as(broken.output()).isEmpty();
    }
  }

  void assertOutputIsJsonLinesWithoutContent(LambdaJavaRuntime runtime) throws IOException {
    List<String> lines = runtime.stdoutLines();
    assertThat(LogLines.notJsonObjects(lines)).as(runtime.output()).isEmpty();
    assertThat(LogLines.emfViolations(lines)).as(runtime.output()).isEmpty();
    List<String> output = Stream.concat(lines.stream(), runtime.stderr().lines()).toList();
    assertThat(LogLines.containing(output, JSON.readTree(config).at("/versions/stable/systemPrompt").asText())).isEmpty();
    assertThat(LogLines.containing(output, event("promotion-start").at("/canary/systemPrompt").asText())).isEmpty();
    assertThat(runtime.nativeClientLoaded()).hasValue(true);
  }
}
