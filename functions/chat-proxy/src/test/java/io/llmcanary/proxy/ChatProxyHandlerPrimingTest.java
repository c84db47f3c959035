package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.proxy.priming.ProxyPriming;
import io.llmcanary.testing.AppConfigAgentStub;
import io.llmcanary.testing.CapturedOutput;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler's SnapStart hooks, as far as they can be run without a CRaC runtime: {@code beforeCheckpoint} called
 * directly on a handler wired the Lambda way runs the dry run ({@link ProxyPriming}), logs only a failed step's
 * name and exception class, and leaves the function's own config source to read the real agent afterwards.
 */
class ChatProxyHandlerPrimingTest {

  AppConfigAgentStub agent;

  @BeforeEach
  void start() {
    agent = AppConfigAgentStub.start("chat-app", "prod", "rollout",
        RolloutConfigCodec.write(ChatProxyWiring.offlineRollout()));
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  Map<String, String> env() {
    return ChatProxyWiringTest.env(agent.uri().getPort());
  }

  @Test
  void beforeCheckpointRunsTheDryRunAndWritesNothing() throws Exception {
    ChatProxyHandler handler = new ChatProxyHandler(env(), () -> { });

    String output = CapturedOutput.of(() -> handler.beforeCheckpoint(null));

    assertThat(handler.lastPriming().failures()).isEmpty();
    assertThat(handler.lastPriming().chatAnswered()).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
    assertThat(handler.lastPriming().bedrockPath()).isTrue();
    assertThat(output).isEmpty();
    assertThat(agent.requests()).isEmpty();
  }

  @Test
  void aFailedStepIsLoggedByItsNameAndExceptionClassOnly() throws Exception {
    Map<String, String> env = env();
    env.put("AWS_LAMBDA_FUNCTION_NAME", "chat-proxy");
    ChatProxyHandler handler = new ChatProxyHandler(env, () -> {
      throw new IllegalStateException("no network at checkpoint");
    });

    String output = CapturedOutput.of(() -> handler.beforeCheckpoint(null));

    assertThat(handler.lastPriming().failures()).containsExactly("sdkWarmUp: IllegalStateException");
    assertThat(output).contains("\"message\":\"priming\"").contains("sdkWarmUp: IllegalStateException")
        .doesNotContain("no network at checkpoint");
  }

  @Test
  void afterPrimingTheFirstRequestStillReadsTheRealAgent() throws Exception {
    Map<String, String> env = env();
    env.remove("AWS_REGION"); // the offline versions of the shipped config need no model endpoint
    ChatProxyHandler handler = new ChatProxyHandler(env, () -> { });
    CapturedOutput.of(() -> handler.beforeCheckpoint(null));
    assertThat(agent.requests()).isEmpty();

    var reply = handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.event("chat-valid")), null);

    assertThat(reply.getStatusCode()).isEqualTo(200);
    assertThat(agent.requests()).hasSize(1);
  }
}
