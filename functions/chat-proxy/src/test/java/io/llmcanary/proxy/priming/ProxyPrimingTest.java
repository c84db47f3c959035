package io.llmcanary.proxy.priming;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.llmcanary.testing.CapturedOutput;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart dry run on an environment wired the Lambda way, with the AppConfig agent, Bedrock and an
 * OpenAI-compatible endpoint all pointed at a local server that counts its calls: it must exercise the request path
 * and every wired adapter, call none of the function's endpoints (only its own loopback stub), skip the SDK's
 * network warm-up outside Lambda, and write nothing.
 */
class ProxyPrimingTest {

  HttpServer endpoints;
  final AtomicInteger endpointCalls = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    endpoints = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoints.createContext("/", x -> {
      endpointCalls.incrementAndGet();
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
    Map<String, String> env = new HashMap<>();
    env.put("APPCONFIG_AGENT_URL", base);
    env.put("AWS_REGION", "eu-west-1");
    env.put("BEDROCK_ENDPOINT_URL", base);
    env.put("OPENAI_BASE_URL", base + "/v1");
    env.put("OPENAI_API_KEY", "test-key");
    return env;
  }

  static ProxyPriming.Report quietly(Supplier<ProxyPriming.Report> priming) throws Exception {
    ProxyPriming.Report[] report = new ProxyPriming.Report[1];
    // Nothing written: no dry-run user id, prompt or answer in the log stream, no EMF line counted as traffic.
    assertThat(CapturedOutput.of(() -> report[0] = priming.get())).isEmpty();
    return report[0];
  }

  @Test
  void exercisesTheRequestPathAndEveryWiredAdapterWithoutCallingTheFunctionsEndpoints() throws Exception {
    AtomicInteger sdkWarmUps = new AtomicInteger();

    ProxyPriming.Report r = quietly(() -> ProxyPriming.prime(lambdaEnv(), sdkWarmUps::incrementAndGet));

    assertThat(r.failures()).isEmpty();
    assertThat(r.chatRequests()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.chatAnswered()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.feedbackRecorded()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.agentPath()).isTrue();
    assertThat(r.bedrockPath()).isTrue();
    // No credentials within reach of this test's environment: signed with dummy ones, no profile or IMDS lookup.
    assertThat(r.bedrockCredentials()).isEqualTo(ProxyPriming.STATIC_DUMMY_CREDENTIALS);
    assertThat(r.openAiPath()).isTrue();
    assertThat(r.judgeQueuePath()).isFalse();
    // The agent read, two Converse calls (text, JSON) and one chat completion went to priming's own stub.
    assertThat(r.stubRequests()).isEqualTo(4);
    assertThat(endpointCalls).hasValue(0);
    // Not in Lambda (no AWS_LAMBDA_FUNCTION_NAME): the SDK warm-up, which calls STS over the network, is skipped.
    assertThat(r.sdkWarmUp()).isFalse();
    assertThat(sdkWarmUps).hasValue(0);
  }

  @Test
  void withNoAdapterWiredOnlyTheRequestPathAndTheAgentPathRun() throws Exception {
    ProxyPriming.Report r = quietly(ProxyPriming::prime);

    assertThat(r.failures()).isEmpty();
    assertThat(r.chatAnswered()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(r.agentPath()).isTrue();
    assertThat(r.bedrockPath()).isFalse();
    assertThat(r.bedrockCredentials()).isNull();
    assertThat(r.openAiPath()).isFalse();
    assertThat(r.stubRequests()).isEqualTo(1);
  }

  @Test
  void inLambdaWithBedrockWiredTheSdkWarmUpRunsOnce() throws Exception {
    AtomicInteger sdkWarmUps = new AtomicInteger();
    Map<String, String> env = lambdaEnv();
    env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-proxy");

    ProxyPriming.Report r = quietly(() -> ProxyPriming.prime(env, sdkWarmUps::incrementAndGet));

    assertThat(r.sdkWarmUp()).isTrue();
    assertThat(sdkWarmUps).hasValue(1);
    assertThat(endpointCalls).hasValue(0);
  }

  @Test
  void whereCredentialsAnswerLocallyTheDryRunResolvesThemThroughAThrowawayDefaultChain() throws Exception {
    // The first providers of the default chain read system properties: what a restored function's first call
    // walks through (there, the environment or the container endpoint), done here before the snapshot.
    System.setProperty("aws.accessKeyId", "AKIDSYSTEMPROPERTY");
    System.setProperty("aws.secretAccessKey", "priming-test-not-a-secret");
    try {
      ProxyPriming.Report r = quietly(() -> ProxyPriming.prime(lambdaEnv(), () -> { }));

      // Signed with what the chain resolved (an unresolvable chain fails the call, and so the step).
      assertThat(r.failures()).isEmpty();
      assertThat(r.bedrockPath()).isTrue();
      assertThat(r.bedrockCredentials()).isEqualTo(ProxyPriming.DEFAULT_CHAIN);
      assertThat(endpointCalls).hasValue(0);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void credentialsCountAsLocalOnlyFromTheEnvironmentSystemPropertiesOrTheContainerEndpoint() {
    assertThat(AdapterDryRuns.credentialsAnswerLocally(
        Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s"))).isTrue();
    assertThat(AdapterDryRuns.credentialsAnswerLocally(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:9001/2018-06-01/credentials"))).isTrue();
    assertThat(AdapterDryRuns.credentialsAnswerLocally(Map.of("AWS_ACCESS_KEY_ID", "AKID"))).isFalse();
    assertThat(AdapterDryRuns.credentialsAnswerLocally(Map.of("AWS_PROFILE", "dev"))).isFalse();
  }

  @Test
  void aFailingStepIsReportedByItsExceptionClassAndTheOthersStillRun() throws Exception {
    Map<String, String> env = lambdaEnv();
    env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-proxy");

    ProxyPriming.Report r = quietly(() -> ProxyPriming.prime(env, () -> {
      throw new IllegalStateException("no network at checkpoint");
    }));

    assertThat(r.failures()).containsExactly("sdkWarmUp: IllegalStateException");
    assertThat(r.bedrockPath()).isTrue();
    assertThat(r.openAiPath()).isTrue();
    assertThat(r.chatAnswered()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
  }
}
