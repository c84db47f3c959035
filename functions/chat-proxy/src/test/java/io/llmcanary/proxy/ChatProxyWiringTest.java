package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatProxyWiringTest {

  static Map<String, String> env(int agentPort) {
    Map<String, String> env = new HashMap<>();
    env.put("APPCONFIG_APPLICATION", "chat-app");
    env.put("APPCONFIG_ENVIRONMENT", "prod");
    env.put("APPCONFIG_PROFILE", "rollout");
    env.put("APPCONFIG_AGENT_URL", "http://127.0.0.1:" + agentPort);
    env.put("CANARY_SECRET", TestProxy.LOCAL_DEV_SECRET);
    env.put("AWS_REGION", "eu-west-1");
    return env;
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aMissingSettingFailsTheInitNamingTheVariable() {
    Map<String, String> env = new HashMap<>();
    assertThatThrownBy(() -> ChatProxyWiring.fromEnvironment(env)).hasMessageContaining("APPCONFIG_APPLICATION");
    Map<String, String> noSecret = new HashMap<>(Map.of("APPCONFIG_APPLICATION", "a", "APPCONFIG_ENVIRONMENT", "e",
        "APPCONFIG_PROFILE", "p"));
    assertThatThrownBy(() -> ChatProxyWiring.fromEnvironment(noSecret)).hasMessageContaining("CANARY_SECRET");
    noSecret.put("CANARY_SECRET", "too-short");
    assertThatThrownBy(() -> ChatProxyWiring.fromEnvironment(noSecret)).hasMessageContaining("32 bytes");
  }

  @Test
  void withTheAgentUnreachableAndNoFallbackVersionTheProxyAnswers503() throws Exception {
    ChatProxyApp app = ChatProxyWiring.fromEnvironment(env(closedPort()));
    HttpReply r = app.handle(new HttpCall("POST", "/chat", null, Map.of(),
        "{\"userId\":\"u\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false, "w-1"));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.body()).contains("config_unavailable");
  }

  @Test
  void withTheFallbackStableAndCanaryExposeVersionOnTheAnswerNamesItsVersion() throws Exception {
    Map<String, String> env = env(closedPort());
    env.put("CANARY_FALLBACK_MODEL", "offline-fallback");
    env.put("CANARY_FALLBACK_PROVIDER", "offline");
    env.put("CANARY_EXPOSE_VERSION", "true");
    HttpReply r = ChatProxyWiring.fromEnvironment(env).handle(new HttpCall("POST", "/chat", null, Map.of(),
        "{\"userId\":\"u\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false, "w-1"));
    assertThat(r.headers().get("x-canary-version")).isEqualTo("stable");
    assertThat(r.body()).contains("\"version\":\"stable\"");
  }

  @Test
  void anUnknownUserIdentityModeFailsAtInitNamingTheAcceptedValues() throws Exception {
    Map<String, String> env = env(closedPort());
    env.put("CANARY_USER_IDENTITY", "cookie");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChatProxyWiring.fromEnvironment(env))
        .hasMessageContaining("CANARY_USER_IDENTITY must be jwt:sub, iam or body");
  }

  @Test
  void withTheAgentUnreachableTheFallbackStableVersionServesAndNeverCanary() throws Exception {
    Map<String, String> env = env(closedPort());
    env.put("CANARY_FALLBACK_MODEL", "offline-fallback");
    env.put("CANARY_FALLBACK_PROVIDER", "offline");
    ChatProxyApp app = ChatProxyWiring.fromEnvironment(env);
    for (int i = 0; i < 20; i++) {
      HttpReply r = app.handle(new HttpCall("POST", "/chat", null, Map.of(),
          "{\"userId\":\"u" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false, "w-" + i));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers()).doesNotContainKey("x-canary-version"); // CANARY_EXPOSE_VERSION is off by default
      assertThat(r.body()).contains("\"feedbackToken\":null");
    }
  }

  @Test
  void aJudgeQueueWithoutARegionOrWithABadBoundFailsTheInitNamingTheVariable() throws Exception {
    Map<String, String> env = env(closedPort());
    env.put("CANARY_JUDGE_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/000000000000/judge");
    env.put("CANARY_JUDGE_HANDOFF_TIMEOUT_MS", "soon");
    assertThatThrownBy(() -> ChatProxyWiring.fromEnvironment(env)).hasMessageContaining("CANARY_JUDGE_HANDOFF_TIMEOUT_MS");
    env.remove("CANARY_JUDGE_HANDOFF_TIMEOUT_MS");
    env.remove("AWS_REGION");
    assertThatThrownBy(() -> ChatProxyWiring.fromEnvironment(env)).hasMessageContaining("AWS_REGION")
        .hasMessageContaining("CANARY_JUDGE_QUEUE_URL");
  }

  @Test
  void theShippedOfflineRolloutIsValid() {
    assertThat(ChatProxyWiring.offlineRollout().rolloutId()).isEqualTo("local-demo");
  }
}
