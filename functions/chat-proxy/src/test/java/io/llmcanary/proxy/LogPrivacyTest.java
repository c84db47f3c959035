package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.testing.CapturedOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Captures everything a run writes to stdout and stderr (the Lambda's log stream) and looks for the raw user ids
 * and prompt texts of its requests: none may appear, whatever the request did (answered, refused, failed).
 */
class LogPrivacyTest {

  static final String USER = "alice.secret-user@example.com";
  static final String PROMPT = "My account number is 99-1234-5678, can you help?";

  @Test
  void noRawUserIdOrPromptTextAppearsInAnyOutputOfARun() throws Exception {
    String[] answer = new String[1];
    String log = CapturedOutput.of(() -> {
      FixedConfigSource config = new FixedConfigSource(ChatProxyWiring.offlineRollout());
      ChatProxyHandler handler = new ChatProxyHandler(ChatProxyWiring.builder()
          .configSource(config)
          .secret(TestProxy.LOCAL_DEV_SECRET, null)
          .build()); // default output: System.out, as in Lambda
      String ok = "{\"userId\":\"" + USER + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
      var first = handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.chatEvent(ok, "p-1")), null);
      answer[0] = io.llmcanary.codec.Json.MAPPER.readTree(first.getBody()).path("answer").asText();
      String token = io.llmcanary.codec.Json.MAPPER.readTree(first.getBody()).path("feedbackToken").asText();
      List<String> bodies = List.of(
          ok,
          "{\"userId\":\"" + USER + "\",\"messages\":[{\"role\":\"wizard\",\"content\":\"" + PROMPT + "\"}]}",
          "{\"userId\":\"" + USER + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}",
          "{\"userId\":\"" + USER + "x".repeat(300) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}",
          "{\"userId\": " + USER + "}",
          "{\"userId\":\"" + USER + "\",\"responseFormat\":\"json\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}");
      int i = 0;
      for (String b : bodies) {
        handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.chatEvent(b, "p-" + (++i + 1))), null);
      }
      handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.event("feedback-valid").replace("{{feedbackToken}}", token)), null);
      // A failing model and a fallback.
      config.set(new RolloutConfig(1, "local", "local-demo", 100, null, Map.of(
          "stable", ChatProxyWiring.offlineRollout().versions().get("stable"),
          "canary", new VersionSpec("offline?errorRate=1", "offline", "p", List.of(), null, 100)),
          Map.of(), null, null, true));
      handler.handleRequest(ApiGatewayV2.readEvent(TestProxy.chatEvent(ok, "p-fail")), null);
      // A broken config source.
      ChatProxyHandler broken = new ChatProxyHandler(ChatProxyWiring.builder()
          .configSource(() -> {
            throw new IllegalStateException("config for " + USER + ": " + PROMPT);
          })
          .secret(TestProxy.LOCAL_DEV_SECRET, null)
          .build());
      broken.handleRequest(ApiGatewayV2.readEvent(TestProxy.chatEvent(ok, "p-broken")), null);
    });
    assertThat(log).as("the run did log").contains("\"message\":\"request\"").contains("{\"_aws\"");
    assertThat(log.lines().count()).isGreaterThanOrEqualTo(10);
    assertThat(log).doesNotContain(USER).doesNotContain("alice").doesNotContain(PROMPT).doesNotContain("99-1234-5678");
    assertThat(log).doesNotContain(answer[0]);
  }
}
