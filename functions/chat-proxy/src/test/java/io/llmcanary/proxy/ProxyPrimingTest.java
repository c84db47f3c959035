package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart priming hook, as far as it can be run without a CRaC runtime: the handler's
 * {@code beforeCheckpoint} is called directly, on a handler wired the Lambda way (from an environment with the
 * AppConfig agent, Bedrock and an OpenAI-compatible endpoint all pointed at local stubs that count their calls).
 * The dry run must exercise the request path and every wired adapter, call none of the function's real endpoints
 * (only its own loopback stub), skip the SDK's network warm-up outside Lambda, and write nothing to the log.
 */
class ProxyPrimingTest {

  HttpServer endpoints;
  final AtomicInteger agentCalls = new AtomicInteger();
  final AtomicInteger bedrockCalls = new AtomicInteger();
  final AtomicInteger openAiCalls = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    endpoints = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] config = io.llmcanary.codec.RolloutConfigCodec.write(ChatProxyWiring.offlineRollout())
        .getBytes(StandardCharsets.UTF_8);
    endpoints.createContext("/applications/", x -> {
      agentCalls.incrementAndGet();
      x.sendResponseHeaders(200, config.length);
      try (OutputStream os = x.getResponseBody()) {
        os.write(config);
      }
    });
    endpoints.createContext("/model/", x -> {
      bedrockCalls.incrementAndGet();
      x.sendResponseHeaders(500, -1);
      x.close();
    });
    endpoints.createContext("/v1/", x -> {
      openAiCalls.incrementAndGet();
      x.sendResponseHeaders(500, -1);
      x.close();
    });
    endpoints.start();
  }

  @AfterEach
  void stop() {
    endpoints.stop(0);
  }

  Map<String, String> lambdaEnv() {
    String base = "http://127.0.0.1:" + endpoints.getAddress().getPort();
    Map<String, String> env = new HashMap<>(ChatProxyWiringTest.env(endpoints.getAddress().getPort()));
    env.put("AWS_REGION", "eu-west-1");
    env.put("BEDROCK_ENDPOINT_URL", base);
    env.put("OPENAI_BASE_URL", base + "/v1");
    env.put("OPENAI_API_KEY", "test-key");
    return env;
  }

  record Captured(ProxyPriming.Report report, String output) {}

  Captured checkpoint(ChatProxyHandler handler) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream sink = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(sink);
    System.setErr(sink);
    try {
      handler.beforeCheckpoint(null);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Captured(handler.lastPriming(), buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void beforeCheckpointExercisesTheRequestPathAndEveryWiredAdapterWithoutCallingTheRealEndpoints() {
    AtomicInteger sdkWarmUps = new AtomicInteger();
    ChatProxyHandler handler = new ChatProxyHandler(lambdaEnv(), sdkWarmUps::incrementAndGet);

    Captured c = checkpoint(handler);

    ProxyPriming.Report r = c.report();
    assertThat(r.failures()).isEmpty();
    assertThat(r.chatRequests()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.chatAnswered()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.feedbackRecorded()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.agentPath()).isTrue();
    assertThat(r.bedrockPath()).isTrue();
    // No credentials within reach of this test's environment: signed with dummy ones, no profile or IMDS lookup.
    assertThat(r.bedrockCredentials()).isEqualTo(ProxyPriming.STATIC_DUMMY_CREDENTIALS);
    assertThat(r.openAiPath()).isTrue();
    // The agent read, two Converse calls (text, JSON) and one chat completion went to priming's own stub.
    assertThat(r.stubRequests()).isEqualTo(4);
    assertThat(agentCalls).hasValue(0);
    assertThat(bedrockCalls).hasValue(0);
    assertThat(openAiCalls).hasValue(0);
    // Not in Lambda (no AWS_LAMBDA_FUNCTION_NAME): the SDK warm-up, which calls STS over the network, is skipped.
    assertThat(r.sdkWarmUp()).isFalse();
    assertThat(sdkWarmUps).hasValue(0);
    // Nothing written: no dry-run user id, prompt or answer in the log stream, no EMF line counted as traffic.
    assertThat(c.output()).doesNotContain("priming-").doesNotContain("hello").doesNotContain("_aws").isEmpty();
  }

  @Test
  void inLambdaWithBedrockWiredTheSdkWarmUpRunsOnce() {
    AtomicInteger sdkWarmUps = new AtomicInteger();
    Map<String, String> env = lambdaEnv();
    env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-proxy");
    ChatProxyHandler handler = new ChatProxyHandler(env, sdkWarmUps::incrementAndGet);

    ProxyPriming.Report r = checkpoint(handler).report();

    assertThat(r.sdkWarmUp()).isTrue();
    assertThat(sdkWarmUps).hasValue(1);
    assertThat(bedrockCalls).hasValue(0);
  }

  @Test
  void whereCredentialsAnswerLocallyTheDryRunResolvesThemThroughAThrowawayDefaultChain() {
    // The first providers of the default chain read system properties: what a restored function's first call
    // walks through (there, the environment or the container endpoint), done here before the snapshot.
    System.setProperty("aws.accessKeyId", "AKIDSYSTEMPROPERTY");
    System.setProperty("aws.secretAccessKey", "priming-test-not-a-secret");
    try {
      ChatProxyHandler handler = new ChatProxyHandler(lambdaEnv(), () -> { });

      ProxyPriming.Report r = checkpoint(handler).report();

      // Signed with what the chain resolved (an unresolvable chain fails the call, and so the step).
      assertThat(r.failures()).isEmpty();
      assertThat(r.bedrockPath()).isTrue();
      assertThat(r.bedrockCredentials()).isEqualTo(ProxyPriming.DEFAULT_CHAIN);
      assertThat(bedrockCalls).hasValue(0);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void credentialsCountAsLocalOnlyFromTheEnvironmentSystemPropertiesOrTheContainerEndpoint() {
    assertThat(ProxyPriming.credentialsAnswerLocally(Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s")))
        .isTrue();
    assertThat(ProxyPriming.credentialsAnswerLocally(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:9001/2018-06-01/credentials"))).isTrue();
    assertThat(ProxyPriming.credentialsAnswerLocally(Map.of("AWS_ACCESS_KEY_ID", "AKID"))).isFalse();
    assertThat(ProxyPriming.credentialsAnswerLocally(Map.of("AWS_PROFILE", "dev"))).isFalse();
  }

  @Test
  void aFailingStepIsReportedAndTheOthersStillRun() {
    Map<String, String> env = lambdaEnv();
    env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-proxy");
    ChatProxyHandler handler = new ChatProxyHandler(env, () -> {
      throw new IllegalStateException("no network at checkpoint");
    });

    Captured c = checkpoint(handler);

    assertThat(c.report().failures()).containsExactly("sdkWarmUp: IllegalStateException");
    assertThat(c.report().bedrockPath()).isTrue();
    assertThat(c.output()).contains("\"message\":\"priming\"").doesNotContain("no network at checkpoint");
  }

  @Test
  void afterPrimingTheFirstRequestStillReadsTheRealAgent() throws Exception {
    Map<String, String> env = lambdaEnv();
    env.remove("AWS_REGION"); // the offline versions of the shipped config need no model endpoint
    ChatProxyHandler handler = new ChatProxyHandler(env, () -> { });
    checkpoint(handler);
    assertThat(agentCalls).hasValue(0);

    var reply = handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.event("chat-valid")), null);

    assertThat(reply.getStatusCode()).isEqualTo(200);
    assertThat(agentCalls).hasValue(1);
  }
}
