package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.testing.AppConfigAgentStub;
import io.llmcanary.testing.Java21;
import io.llmcanary.testing.LambdaJavaRuntime;
import io.llmcanary.testing.LogLines;
import io.llmcanary.testing.RuntimeApiServer;
import io.llmcanary.testing.TemplateFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deployable jar as Lambda's java21 runtime runs it: under AWS's runtime interface client on a Java 21 JVM, with
 * the handler, memory, log format and variables of {@code ChatProxyFunction} in template.yaml (local stand-ins for
 * what a deployment resolves: the AppConfig agent layer, the Secrets Manager secret, the AppConfig ids). The events go
 * through the runtime's own deserialisation into {@code APIGatewayV2HTTPEvent} and its serialisation of the response.
 */
class ChatProxyUnderRuntimeClientIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path JAR = Path.of("target", "canary-chat-proxy-lambda.jar");
  static final String NAMESPACE = "LlmCanaryRuntimeClientIT";

  static AppConfigAgentStub agent;
  static LambdaJavaRuntime runtime;

  /** Stand-ins for the template's expressions, and the agent layer's endpoint. */
  static Map<String, String> variables(AppConfigAgentStub agent) {
    Map<String, String> v = new HashMap<>(TemplateFunction.of("ChatProxyFunction").environment(Map.of(
        "APPCONFIG_APPLICATION", "app1234", "APPCONFIG_ENVIRONMENT", "env1234", "APPCONFIG_PROFILE", "prof123",
        "AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS", "15",
        // The deployed function reads its secret from Secrets Manager (CANARY_SECRET_ARN); here it is given in the
        // environment instead (SecretsManagerSecretSourceIT and SecretRotationTest cover that path), with the local
        // secret the sample feedback events' static tokens are signed with (events/generate.py).
        "CANARY_SECRET_ARN", "replaced-below",
        "CANARY_METRICS_NAMESPACE", NAMESPACE, "CANARY_APPLICATION", "default",
        // The judge's queue: a URL on a loopback port nothing listens on, and its client pointed there too, so no
        // send leaves this machine (a refused send is a counted drop; ChatProxyJudgeQueueIT sends to moto).
        "CANARY_JUDGE_QUEUE_URL", "http://127.0.0.1:9/000000000000/judge-queue",
        // The sample events carry no authenticated identity (the template's default is the IAM caller; the JWT and
        // IAM paths are ChatProxyTrustBoundariesTest's), so the user is the body's here.
        "CANARY_USER_IDENTITY", "body",
        // Blank: the in-memory ledger; the DynamoDB one is DynamoDbFeedbackLedgerIT's, against the emulator.
        "CANARY_FEEDBACK_TABLE", "")));
    v.remove("CANARY_SECRET_ARN");
    v.put("CANARY_SECRET", TestProxy.LOCAL_DEV_SECRET);
    v.put("SQS_ENDPOINT_URL", "http://127.0.0.1:9");
    // The agent layer listens on localhost:2772 in Lambda; here it is a stub on a free port.
    v.put("APPCONFIG_AGENT_URL", agent.uri().toString());
    return v;
  }

  static LambdaJavaRuntime start(String name, Map<String, String> variables, boolean snapStart) {
    LambdaJavaRuntime.Spec spec = LambdaJavaRuntime.Spec.of(name, JAR, TemplateFunction.of("ChatProxyFunction"),
        variables, Path.of("target", "runtime-client", name));
    return LambdaJavaRuntime.start(snapStart ? spec.underSnapStart() : spec);
  }

  @BeforeAll
  static void startTheFunction() throws IOException {
    assertThat(JAR).exists();
    String config = Files.readString(Path.of("src/main/resources/io/llmcanary/proxy/offline-rollout.json"));
    agent = AppConfigAgentStub.start("app1234", "env1234", "prof123", config);
    runtime = start("llm-canary-chat-proxy", variables(agent), false);
  }

  @AfterAll
  static void stopTheFunction() {
    if (runtime != null) {
      runtime.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  static String event(String name) throws IOException {
    return Files.readString(Java21.root().resolve("events/" + name + ".json"));
  }

  /** The runtime's answer, which must be a response (not a function error), as JSON. */
  static JsonNode respond(LambdaJavaRuntime r, String event) throws IOException {
    RuntimeApiServer.Outcome o = r.invoke(event);
    assertThat(o).as(o.body()).isInstanceOf(RuntimeApiServer.Response.class);
    return JSON.readTree(o.body());
  }

  static String header(JsonNode response, String name) {
    return response.path("headers").path(name).asText(null);
  }

  @Test
  void runsOnJava21UnderTheRuntimeInterfaceClientWithItsNativeClient() throws IOException {
    respond(runtime, event("chat-valid"));
    assertThat(Java21.version()).contains("version \"21.");
    assertThat(runtime.command().get(0)).isEqualTo(Java21.java().toString());
    assertThat(runtime.command()).contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
        TemplateFunction.of("ChatProxyFunction").handler());
    assertThat(runtime.nativeClientLoaded()).hasValue(true);
    assertThat(runtime.stderr()).doesNotContain("Failed to load the native runtime interface client library");
  }

  static Stream<String> validChat() {
    return ChatProxyHandlerEventsTest.VALID_CHAT.stream();
  }

  @ParameterizedTest(name = "{0} answers 200 with an answer and a feedback token, its version hidden")
  @MethodSource("validChat")
  void answersTheSampleChatEventsAsApiGatewayResponses(String name) throws IOException {
    JsonNode response = respond(runtime, event(name));
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    assertThat(header(response, "content-type")).isEqualTo("application/json");
    JsonNode body = JSON.readTree(response.path("body").asText());
    assertThat(body.path("answer").asText()).isNotBlank();
    // the template's CANARY_EXPOSE_VERSION is false: no version in the body or the headers
    assertThat(body.has("version")).isFalse();
    assertThat(response.path("headers").has("x-canary-version")).isFalse();
    assertThat(body.path("requestId").asText())
        .isEqualTo(JSON.readTree(event(name)).at("/requestContext/requestId").asText());
    assertThat(body.path("feedbackToken").asText()).startsWith("ft2.");
  }

  static Stream<Arguments> invalid() {
    return ChatProxyHandlerEventsTest.invalid();
  }

  @ParameterizedTest(name = "{0} -> {1} {2} {3}")
  @MethodSource("invalid")
  void answersTheInvalidSampleEventsWithAJsonErrorNamingTheField(String name, int status, String code, String field)
      throws IOException {
    JsonNode response = respond(runtime, event(name));
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(status);
    JsonNode error = JSON.readTree(response.path("body").asText()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    if (field != null) {
      assertThat(error.path("field").asText()).isEqualTo(field);
    }
  }

  @Test
  void recordsFeedbackWithTheTokenOfAChatAnswer() throws IOException {
    JsonNode chat = JSON.readTree(respond(runtime, event("chat-valid")).path("body").asText());
    JsonNode response = respond(runtime,
        event("feedback-valid").replace("{{feedbackToken}}", chat.path("feedbackToken").asText()));
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.path("body").asText());
    assertThat(body.path("recorded").asBoolean()).isTrue();
    assertThat(body.has("version")).isFalse();
  }

  /** events/sam/http-api-chat.json is `sam local generate-event apigateway http-api-proxy` output (events/sam/README.md). */
  @Test
  void answersTheEventThatSamGenerates() throws IOException {
    String generated = Files.readString(Java21.root().resolve("events/sam/http-api-chat.json"));
    JsonNode response = respond(runtime, generated);
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.path("body").asText());
    assertThat(body.path("answer").asText()).isNotBlank();
    assertThat(body.path("requestId").asText())
        .isEqualTo(JSON.readTree(generated).at("/requestContext/requestId").asText());
  }

  @Test
  void everyStdoutLineIsAJsonObjectAndEveryMetricLineIsABareEmfObject() throws IOException {
    String requestId = "ric-emf-" + UUID.randomUUID();
    ObjectNode e = (ObjectNode) JSON.readTree(event("chat-valid"));
    ((ObjectNode) e.get("requestContext")).put("requestId", requestId);
    assertThat(respond(runtime, e.toString()).path("statusCode").asInt()).isEqualTo(200);
    respond(runtime, event("chat-malformed-json"));

    List<String> lines = runtime.stdoutLines();
    assertThat(LogLines.notJsonObjects(lines)).as(runtime.output()).isEmpty();
    assertThat(LogLines.emfViolations(lines)).as(runtime.output()).isEmpty();
    List<JsonNode> emf = LogLines.emf(lines);
    // The request's metrics line (a sampled answer also has a JudgeHandoffs/JudgeHandoffDrops line: here a drop,
    // the template's queue being a local stand-in that refuses connections).
    assertThat(emf).filteredOn(n -> n.path("requestId").asText().equals(requestId) && n.has("Requests"))
        .singleElement().satisfies(n -> {
      assertThat(n.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo(NAMESPACE);
      assertThat(n.path("Requests").asDouble()).isEqualTo(1.0);
      assertThat(n.path("Version").asText()).isIn("stable", "canary");
      assertThat(n.path("Rollout").asText()).isEqualTo("local-demo");
    });
  }

  @Test
  void noRawUserIdPromptOrAnswerReachesTheOutput() throws IOException {
    String marker = UUID.randomUUID().toString().substring(0, 8);
    String userId = "ric-user-" + marker;
    String prompt = "Which sparrow " + marker + " sings at dawn?";
    ObjectNode e = (ObjectNode) JSON.readTree(event("chat-valid"));
    ObjectNode body = JSON.createObjectNode().put("userId", userId);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    e.put("body", body.toString());
    e.with("headers").put("content-length", Integer.toString(body.toString().length()));
    JsonNode response = respond(runtime, e.toString());
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    String answer = JSON.readTree(response.path("body").asText()).path("answer").asText();
    assertThat(answer).isNotBlank();

    List<String> output = Stream.concat(runtime.stdoutLines().stream(), runtime.stderr().lines()).toList();
    assertThat(LogLines.containing(output, userId)).isEmpty();
    assertThat(LogLines.containing(output, marker)).isEmpty();
    assertThat(LogLines.containing(output, answer)).isEmpty();
  }

  @Test
  void aMissingVariableIsReportedThroughInitErrorNamingIt() throws IOException {
    Map<String, String> v = variables(agent);
    v.remove("CANARY_SECRET");
    try (LambdaJavaRuntime broken = start("llm-canary-chat-proxy-no-secret", v, false)) {
      RuntimeApiServer.InitError error = broken.awaitInitError(Duration.ofSeconds(60));
      assertThat(error.path()).isEqualTo("/2018-06-01/runtime/init/error");
      assertThat(JSON.readTree(error.body()).path("errorMessage").asText()).contains("CANARY_SECRET");
      assertThat(broken.api().requests()).noneMatch(r -> r.endsWith("/invocation/next"));
      assertThat(broken.exitCode()).hasValue(1);
      // The runtime's own report of it is a JSON log line too, under the JSON log format.
      assertThat(LogLines.notJsonObjects(broken.stdoutLines())).as(broken.output()).isEmpty();
    }
  }

  @Test
  void underSnapStartThePrimingHookRunsBeforeTheRestoreAndTheRestoredFunctionAnswers() throws IOException {
    try (LambdaJavaRuntime snap = start("llm-canary-chat-proxy-snapstart", variables(agent), true)) {
      JsonNode response = respond(snap, event("chat-valid"));
      assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
      List<String> requests = snap.api().requests();
      assertThat(requests).containsSubsequence("GET /2018-06-01/runtime/restore/next",
          "GET /2018-06-01/runtime/invocation/next");
      // Priming reports failed steps on a WARN line; a clean dry run prints none.
      assertThat(snap.stdoutLines()).noneMatch(l -> l.contains("\"message\":\"priming\""));
      assertThat(LogLines.emfViolations(snap.stdoutLines())).isEmpty();
    }
  }
}
