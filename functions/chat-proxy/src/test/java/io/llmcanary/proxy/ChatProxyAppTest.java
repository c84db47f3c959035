package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.codec.EmfParser;
import io.llmcanary.codec.Json;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.metrics.RequestMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Limits, routing details and failure answers of the HTTP surface. */
class ChatProxyAppTest {

  final TestProxy proxy = new TestProxy();

  /** A chat body of exactly {@code bytes} UTF-8 bytes. */
  static String bodyOfSize(int bytes) {
    String head = "{\"userId\":\"u1\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    String tail = "\"}]}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  @Test
  void aBodyOfExactly256KbIsAcceptedAndOneByteMoreIsRefused() {
    assertThat(proxy.invoke(TestProxy.chatEvent(bodyOfSize(256 * 1024), "big-ok")).status()).isEqualTo(200);
    TestProxy.Reply r = proxy.invoke(TestProxy.chatEvent(bodyOfSize(256 * 1024 + 1), "big-no"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("body_too_large");
    assertThat(r.json().at("/error/field").asText()).isEqualTo("body");
  }

  @Test
  void theSizeLimitCountsUtf8BytesNotCharacters() {
    String head = "{\"userId\":\"u1\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    String body = head + "é".repeat(140_000) + "\"}]}"; // 140k chars, 280k bytes
    assertThat(proxy.invoke(TestProxy.chatEvent(body, "utf8")).json().at("/error/code").asText())
        .isEqualTo("body_too_large");
  }

  @Test
  void anOversizedBase64BodyIsRefusedAfterDecodingAndAFittingOneIsDecoded() throws Exception {
    for (int size : new int[] {256 * 1024, 256 * 1024 + 1}) {
      var n = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(TestProxy.chatEvent("", "b64-" + size));
      n.put("isBase64Encoded", true);
      n.put("body", Base64.getEncoder().encodeToString(bodyOfSize(size).getBytes(StandardCharsets.UTF_8)));
      assertThat(proxy.invoke(n.toString()).status()).isEqualTo(size == 256 * 1024 ? 200 : 400);
    }
  }

  @Test
  void duplicateKeysAndTrailingContentAreMalformedJson() {
    assertThat(proxy.invoke(TestProxy.chatEvent("{\"userId\":\"a\",\"userId\":\"b\",\"messages\":[]}", "dup"))
        .json().at("/error/code").asText()).isEqualTo("malformed_json");
    assertThat(proxy.invoke(TestProxy.chatEvent(
        "{\"userId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} {}", "trail"))
        .json().at("/error/code").asText()).isEqualTo("malformed_json");
  }

  @Test
  void aMalformedBodyIsReportedByPositionWithoutQuotingIt() {
    TestProxy.Reply r = proxy.invoke(TestProxy.chatEvent("{\"userId\": secret-user-42}", "mal"));
    assertThat(r.json().at("/error/message").asText()).contains("line 1").doesNotContain("secret-user");
  }

  @Test
  void everyCallerRequestIdUnsafeForTokensIsReplaced() {
    TestProxy.Reply r = proxy.invoke(TestProxy.chatEvent(bodyOfSize(200), "bad|id"));
    assertThat(r.json().path("requestId").asText()).doesNotContain("|").hasSize(36);
  }

  @Test
  void aModelErrorIsA502JsonErrorWithTheVersionHeaderAndAnErrorMetric() {
    RolloutConfig broken = new RolloutConfig(1, "local", "local-demo", 100, null, Map.of(
        "stable", ChatProxyWiring.offlineRollout().versions().get("stable"),
        "canary", new io.llmcanary.core.config.VersionSpec("offline?errorRate=1", "offline", "p", List.of(), null, 100)),
        Map.of(), null, null, false);
    proxy.config.set(broken);
    TestProxy.Reply r = proxy.invokeEvent("chat-valid");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("model_error");
    assertThat(r.header("x-canary-version")).isEqualTo("canary");
    List<RequestMetrics> emf = proxy.lines.stream().map(EmfParser::parse).flatMap(Optional::stream).toList();
    assertThat(emf).singleElement().satisfies(m -> {
      assertThat(m.error()).isTrue();
      assertThat(m.version().wireName()).isEqualTo("canary");
    });
  }

  @Test
  void aModelTimeoutIsA504() {
    proxy.config.set(new RolloutConfig(1, "local", "local-demo", 100, null, Map.of(
        "stable", ChatProxyWiring.offlineRollout().versions().get("stable"),
        "canary", new io.llmcanary.core.config.VersionSpec("offline?timeoutRate=1", "offline", "p", List.of(), null, 100)),
        Map.of(), null, null, false));
    assertThat(proxy.invokeEvent("chat-valid").status()).isEqualTo(504);
  }

  @Test
  void withFallbackConfiguredACanaryFailureIsServedByStableAndFlagged() {
    proxy.config.set(new RolloutConfig(1, "local", "local-demo", 100, null, Map.of(
        "stable", ChatProxyWiring.offlineRollout().versions().get("stable"),
        "canary", new io.llmcanary.core.config.VersionSpec("offline?errorRate=1", "offline", "p", List.of(), null, 100)),
        Map.of(), null, null, true));
    TestProxy.Reply r = proxy.invokeEvent("chat-valid");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("version").asText()).isEqualTo("stable");
    assertThat(r.header("x-canary-version")).isEqualTo("stable");
    assertThat(r.header("x-canary-fallback")).isEqualTo("true");
    assertThat(r.json().path("feedbackToken").isNull()).isTrue();
    assertThat(proxy.lines).anySatisfy(l -> assertThat(l).contains("\"Fallbacks\":1").contains("\"FallbackErrors\":0"));
    assertThat(proxy.lines.stream().map(EmfParser::parse).flatMap(Optional::stream).toList())
        .as("the fallback line is not read as a version's request").singleElement()
        .satisfies(m -> assertThat(m.version().wireName()).isEqualTo("canary"));
  }

  @Test
  void anUnexpectedFailureIsA500WithoutStackTraceAndIsLoggedByClassOnly() {
    TestProxy failing = new TestProxy(() -> {
      throw new IllegalStateException("boom with user-4711 inside");
    });
    TestProxy.Reply r = failing.invokeEvent("chat-valid");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("internal_error");
    assertThat(r.response().getBody()).doesNotContain("IllegalStateException").doesNotContain("boom").doesNotContain("at io.");
    assertThat(failing.lines).anySatisfy(l -> assertThat(l).contains("\"exception\":\"java.lang.IllegalStateException\""));
    assertThat(String.join("\n", failing.lines)).doesNotContain("boom").doesNotContain("user-4711");
  }

  @Test
  void everyRequestGetsOneStructuredLogLineWithThePseudonymisedUser() throws Exception {
    proxy.invokeEvent("chat-valid");
    List<String> logs = proxy.lines.stream().filter(l -> l.startsWith("{\"level\"")).toList();
    assertThat(logs).hasSize(1);
    var log = Json.MAPPER.readTree(logs.get(0));
    assertThat(log.path("message").asText()).isEqualTo("request");
    assertThat(log.path("route").asText()).isEqualTo("chat");
    assertThat(log.path("status").asInt()).isEqualTo(200);
    assertThat(log.path("user").asText()).matches("u_[0-9a-f]{16}");
    assertThat(log.path("rolloutId").asText()).isEqualTo("local-demo");
    assertThat(log.path("qualityCheck").asText()).isEqualTo("passed");
  }

  @Test
  void stagePrefixesAndTrailingSlashesRouteTheSame() {
    assertThat(ChatProxyApp.route(new HttpCall("POST", "/prod/chat", "prod", Map.of(), null, false, null))).isEqualTo("chat");
    assertThat(ChatProxyApp.route(new HttpCall("POST", "/feedback/", "$default", Map.of(), null, false, null))).isEqualTo("feedback");
    assertThat(ChatProxyApp.route(new HttpCall("POST", "/prod/chat", "$default", Map.of(), null, false, null))).isEqualTo("unknown");
  }

  @Test
  void concurrentRequestsAreServedIndependently() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> f = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String body = "{\"userId\":\"user-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"}]}";
        String event = TestProxy.chatEvent(body, "conc-" + i);
        f.add(pool.submit(() -> proxy.invoke(event).status()));
      }
      for (var x : f) {
        assertThat(x.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.lines.stream().map(EmfParser::parse).flatMap(Optional::stream).count()).isEqualTo(200);
  }
}
