package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.JudgeTaskCodec;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.qualityjudge.JudgeSampler;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.proxy.priming.ProxyPriming;
import io.llmcanary.testing.AppConfigAgentStub;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The chat proxy wired from its environment as the template wires it (CANARY_JUDGE_QUEUE_URL), against an emulated
 * queue: sampled answers arrive there whole, a queue that is down costs no request its answer and every dropped
 * hand-off is counted, no prompt, answer or user id reaches the function's output, and the SnapStart dry run sends
 * nothing to the queue.
 */
@AwsIntegrationTest
class ChatProxyJudgeQueueIT {

  static final String USER = "bob.private-user@example.com";
  static final String PROMPT = "My card ends in 4242 and my flight is LH-1234, which seat is best?";

  private static AwsEndpoint aws;
  private static SqsClient sqs;
  private static AppConfigAgentStub agent;
  private static final RolloutConfig ROLLOUT = ChatProxyWiring.offlineRollout();

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream out;
  private PrintStream err;

  @BeforeAll
  static void start(AwsEndpoint endpoint) {
    aws = endpoint;
    sqs = endpoint.client(SqsClient.builder());
    agent = AppConfigAgentStub.start("chat-app", "prod", "rollout", RolloutConfigCodec.write(ROLLOUT));
  }

  @AfterAll
  static void stop() {
    sqs.close();
    agent.close();
  }

  @BeforeEach
  void captureOutput() {
    out = System.out;
    err = System.err;
    PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(sink);
    System.setErr(sink);
  }

  @AfterEach
  void restoreOutput() {
    System.setOut(out);
    System.setErr(err);
  }

  static Map<String, String> env(String queueUrl, String sqsEndpoint) {
    Map<String, String> env = new HashMap<>();
    env.put("APPCONFIG_APPLICATION", "chat-app");
    env.put("APPCONFIG_ENVIRONMENT", "prod");
    env.put("APPCONFIG_PROFILE", "rollout");
    env.put("APPCONFIG_AGENT_URL", agent.uri().toString());
    env.put("CANARY_SECRET", TestProxy.LOCAL_DEV_SECRET);
    env.put("AWS_REGION", aws.region().id());
    env.put("CANARY_JUDGE_QUEUE_URL", queueUrl);
    env.put("CANARY_EXPOSE_VERSION", "true"); // the test tells sampled canary answers by the version header
    env.put("SQS_ENDPOINT_URL", sqsEndpoint);
    env.put("CANARY_JUDGE_HANDOFF_TIMEOUT_MS", "2000"); // the emulator on a shared test machine, not the bound
    return env;
  }

  static String newQueue() {
    return sqs.createQueue(b -> b.queueName("judge-" + UUID.randomUUID())).queueUrl();
  }

  /** Sends {@code n} chat requests; returns the ids of those the sampler picks (canary answers, in pairwise mode). */
  static List<String> chat(ChatProxyHandler handler, int n, List<Integer> statuses) throws IOException {
    List<String> sampled = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "jq-" + UUID.randomUUID();
      String body = "{\"userId\":\"" + USER + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
      var r = handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.chatEvent(body, id)), null);
      statuses.add(r.getStatusCode());
      Variant v = "canary".equals(r.getHeaders().get("x-canary-version")) ? Variant.CANARY : Variant.STABLE;
      if (JudgeSampler.sampled(ROLLOUT.qualityJudge(), v, ROLLOUT.canaryPercent(), id)) {
        sampled.add(id);
      }
    }
    return sampled;
  }

  static List<Message> drain(String queueUrl, int expected) {
    List<Message> got = new ArrayList<>();
    for (int attempt = 0; attempt < 10 && got.size() < expected; attempt++) {
      got.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
    }
    // One more short look, so that too many messages would be seen too.
    got.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages());
    return got;
  }

  List<JsonNode> handoffLines() throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.contains("\"judgeHandoff\"")) {
        lines.add(Json.MAPPER.readTree(line));
      }
    }
    return lines;
  }

  void assertNoTextInOutput() {
    String all = captured.toString(StandardCharsets.UTF_8);
    // Pieces of the prompt too, long enough that no random request id or timestamp contains them by chance.
    assertThat(all).isNotEmpty().doesNotContain(PROMPT).doesNotContain("ends in 4242").doesNotContain("LH-1234")
        .doesNotContain(USER)
        .doesNotContain("bob.private-user");
  }

  @Test
  void sampledAnswersOfTheWiredProxyArriveOnTheQueueWithTheirConversationAndEachIsCounted() throws Exception {
    String queue = newQueue();
    ChatProxyHandler handler = new ChatProxyHandler(
        ChatProxyWiring.fromEnvironment(env(queue, aws.uri().toString()), aws.credentials()));
    List<Integer> statuses = new ArrayList<>();
    List<String> sampled = chat(handler, 40, statuses);

    assertThat(statuses).containsOnly(200);
    assertThat(sampled).isNotEmpty();
    List<Message> messages = drain(queue, sampled.size());
    assertThat(messages).extracting(m -> JudgeTaskCodec.read(m.body()).requestId())
        .containsExactlyInAnyOrderElementsOf(sampled);
    JudgeTask task = JudgeTaskCodec.read(messages.get(0).body());
    assertThat(task.version()).isEqualTo(Variant.CANARY);
    assertThat(task.messages()).singleElement().satisfies(m -> assertThat(m.content()).isEqualTo(PROMPT));
    assertThat(task.answer()).isNotBlank();
    assertThat(task.rolloutId()).isEqualTo("local-demo");
    assertThat(handoffLines()).hasSize(sampled.size())
        .allSatisfy(l -> {
          assertThat(l.path("JudgeHandoffs").asInt()).isEqualTo(1);
          assertThat(l.path("JudgeHandoffDrops").asInt()).isZero();
        });
    assertNoTextInOutput();
    String all = captured.toString(StandardCharsets.UTF_8);
    assertThat(all).doesNotContain(task.answer());
  }

  @Test
  void withTheQueueDownEveryChatRequestStillAnswers200AndEverySampledAnswerIsACountedDrop() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String down = "http://127.0.0.1:" + closedPort;
    ChatProxyHandler handler = new ChatProxyHandler(
        ChatProxyWiring.fromEnvironment(env(down + "/000000000000/judge", down), aws.credentials()));
    List<Integer> statuses = new ArrayList<>();
    List<String> sampled = chat(handler, 40, statuses);

    assertThat(statuses).containsOnly(200);
    assertThat(sampled).isNotEmpty();
    assertThat(handoffLines()).hasSize(sampled.size())
        .allSatisfy(l -> {
          assertThat(l.path("JudgeHandoffs").asInt()).isZero();
          assertThat(l.path("JudgeHandoffDrops").asInt()).isEqualTo(1);
          assertThat(l.path("judgeHandoff").asText()).isEqualTo("failed");
        });
    assertNoTextInOutput();
  }

  @Test
  void aMissingQueueIsADroppedHandOffNotAFailedRequest() throws Exception {
    String gone = newQueue();
    sqs.deleteQueue(b -> b.queueUrl(gone));
    ChatProxyHandler handler = new ChatProxyHandler(
        ChatProxyWiring.fromEnvironment(env(gone, aws.uri().toString()), aws.credentials()));
    List<Integer> statuses = new ArrayList<>();
    List<String> sampled = chat(handler, 20, statuses);

    assertThat(statuses).containsOnly(200);
    assertThat(handoffLines()).hasSize(sampled.size())
        .allSatisfy(l -> assertThat(l.path("JudgeHandoffDrops").asInt()).isEqualTo(1));
    assertNoTextInOutput();
  }

  @Test
  void theSnapStartDryRunOfAProxyWiredToTheQueueWarmsTheHandOffButSendsTheQueueNothing() throws Exception {
    String queue = newQueue();
    Map<String, String> env = env(queue, aws.uri().toString());
    ChatProxyHandler handler = new ChatProxyHandler(ChatProxyWiring.fromEnvironment(env, aws.credentials()), env,
        () -> { });
    handler.beforeCheckpoint(null);

    assertThat(handler.lastPriming().failures()).isEmpty();
    assertThat(handler.lastPriming().chatAnswered()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(handler.lastPriming().judgeQueuePath()).as("the hand-off's code path ran, against the loopback stub")
        .isTrue();
    assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages())
        .isEmpty();
    assertThat(handoffLines()).isEmpty();
  }
}
