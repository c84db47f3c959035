package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.EmfParser;
import io.llmcanary.core.metrics.RequestMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Lambda handler end to end with the offline model, over every sample event in events/. */
class ChatProxyHandlerEventsTest {

  final TestProxy proxy = new TestProxy();

  static final List<String> VALID_CHAT = List.of(
      "chat-valid", "chat-conversation", "chat-json-response", "chat-base64-body", "chat-stage-prefix");

  /** name, status, code, field ("-" for none). */
  static final List<String> INVALID = List.of(
      "chat-malformed-json,        400, malformed_json,     body",
      "chat-missing-user-id,       400, missing_field,      userId",
      "chat-empty-user-id,         400, empty_field,        userId",
      "chat-user-id-too-long,      400, too_long,           userId",
      "chat-empty-messages,        400, empty_field,        messages",
      "chat-missing-messages,      400, missing_field,      messages",
      "chat-unknown-role,          400, invalid_role,       messages[0].role",
      "chat-system-role,           400, invalid_role,       messages[0].role",
      "chat-non-string-content,    400, invalid_type,       messages[0].content",
      "chat-too-many-messages,     400, too_many,           messages",
      "chat-bad-turn-order,        400, invalid_turn_order, messages[0].role",
      "chat-bad-response-format,   400, invalid_value,      responseFormat",
      "chat-empty-body,            400, empty_body,         body",
      "chat-invalid-base64,        400, invalid_base64,     body",
      "chat-wrong-method,          405, method_not_allowed, -",
      "chat-unknown-path,          404, not_found,          -",
      "feedback-forged,            403, forged_feedback_token,        feedbackToken",
      "feedback-expired,           403, feedback_token_expired,       feedbackToken",
      "feedback-cross-rollout,     403, feedback_token_wrong_rollout, feedbackToken",
      "feedback-not-a-token,       400, invalid_feedback_token,       feedbackToken",
      "feedback-missing-token,     400, missing_field,      feedbackToken",
      "feedback-score-out-of-range,400, out_of_range,       score",
      "feedback-score-wrong-type,  400, invalid_type,       score");

  /** Filled with a token from a /chat answer by the feedback round-trip test. */
  static final List<String> TEMPLATES = List.of("feedback-valid", "feedback-down", "feedback-other-user");

  static Stream<String> validChat() {
    return VALID_CHAT.stream();
  }

  static Stream<Arguments> invalid() {
    return INVALID.stream().map(row -> {
      String[] f = row.split(",");
      String field = f[3].trim();
      return Arguments.of(f[0].trim(), Integer.parseInt(f[1].trim()), f[2].trim(), field.equals("-") ? null : field);
    });
  }

  @ParameterizedTest(name = "{0} answers 200 with an answer from the offline model")
  @MethodSource("validChat")
  void validChatEventsAreAnswered(String name) throws IOException {
    TestProxy.Reply r = proxy.invokeEvent(name);
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("answer").asText()).isNotBlank();
    assertThat(body.path("version").asText()).isIn("stable", "canary").isEqualTo(r.header("x-canary-version"));
    String requestId = io.llmcanary.codec.Json.MAPPER.readTree(TestProxy.event(name)).at("/requestContext/requestId").asText();
    assertThat(body.path("requestId").asText()).isEqualTo(requestId).isEqualTo(r.header("x-request-id"));
    assertThat(body.path("feedbackToken").asText()).startsWith("ft2.");
    assertThat(body.path("usage").path("inputTokens").asLong()).isPositive();
    assertThat(body.path("usage").path("outputTokens").asLong()).isPositive();
    assertThat(body.path("usage").path("cost").asDouble()).isPositive();
    assertThat(r.header("content-type")).isEqualTo("application/json");
    List<RequestMetrics> emf = proxy.lines.stream().map(EmfParser::parse).flatMap(java.util.Optional::stream).toList();
    assertThat(emf).singleElement().satisfies(m -> {
      assertThat(m.requestId()).isEqualTo(requestId);
      assertThat(m.version().wireName()).isEqualTo(body.path("version").asText());
      assertThat(m.rolloutId()).isEqualTo("local-demo");
      assertThat(m.error()).isFalse();
      assertThat(m.outputTokens()).isEqualTo(body.path("usage").path("outputTokens").asLong());
    });
  }

  @Test
  void aJsonResponseFormatGetsAJsonAnswer() {
    JsonNode body = proxy.invokeEvent("chat-json-response").json();
    assertThat(io.llmcanary.codec.JsonAnswers.INSTANCE.isValid(body.path("answer").asText())).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1} {2} {3}")
  @MethodSource("invalid")
  void invalidEventsGetAJsonErrorNamingTheField(String name, int status, String code, String field) {
    TestProxy.Reply r = proxy.invokeEvent(name);
    assertThat(r.status()).isEqualTo(status);
    JsonNode error = r.json().path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.has("field")).isTrue();
    assertThat(error.path("field").isNull() ? null : error.path("field").asText()).isEqualTo(field);
    assertThat(r.response().getBody()).doesNotContain("Exception").doesNotContain("\tat ");
    List<String> metrics = proxy.lines.stream().filter(l -> l.startsWith("{\"_aws\"")).toList();
    if (name.startsWith("feedback-") && code.contains("feedback_token")) {
      // a refused token is counted by its reason, and is nothing else: no request or quality metrics
      assertThat(metrics).singleElement().asString().contains("\"FeedbackRefusals\":1")
          .contains("\"Reason\":\"" + code + "\"").doesNotContain("user-4711");
    } else {
      assertThat(metrics).as("no metrics for refused input").isEmpty();
    }
  }

  @Test
  void feedbackWithATokenFromAChatAnswerIsRecordedForTheVersionThatServedIt() {
    TestProxy.Reply chat = proxy.invokeEvent("chat-valid");
    String token = chat.json().path("feedbackToken").asText();
    TestProxy.Reply fb = proxy.invoke(TestProxy.event("feedback-valid").replace("{{feedbackToken}}", token));
    assertThat(fb.status()).isEqualTo(200);
    assertThat(fb.json().path("recorded").asBoolean()).isTrue();
    assertThat(fb.json().path("version").asText()).isEqualTo(chat.json().path("version").asText());
    assertThat(fb.json().path("requestId").asText()).isEqualTo(chat.json().path("requestId").asText());

    TestProxy.Reply chat2 = proxy.invokeEvent("chat-conversation");
    TestProxy.Reply fb2 = proxy.invoke(TestProxy.event("feedback-down")
        .replace("{{feedbackToken}}", chat2.json().path("feedbackToken").asText()));
    assertThat(fb2.status()).isEqualTo(200);
    assertThat(fb2.json().path("score").asDouble()).isEqualTo(0.2);

    List<RequestMetrics> quality = proxy.lines.stream().map(EmfParser::parse).flatMap(java.util.Optional::stream)
        .filter(RequestMetrics::isFeedbackOnly).toList();
    assertThat(quality).extracting(RequestMetrics::quality).containsExactly(1.0, 0.2);
    assertThat(quality.get(0).version().wireName()).isEqualTo(chat.json().path("version").asText());
  }

  @Test
  void aTokenPresentedWithAnotherUserIdIsRefusedAsAnotherUsersToken() {
    String token = proxy.invokeEvent("chat-valid").json().path("feedbackToken").asText();
    TestProxy.Reply fb = proxy.invoke(TestProxy.event("feedback-other-user").replace("{{feedbackToken}}", token));
    assertThat(fb.status()).isEqualTo(403);
    assertThat(fb.json().at("/error/code").asText()).isEqualTo("feedback_token_other_user");
    assertThat(fb.json().at("/error/message").asText()).contains("another user");
  }

  @Test
  void theSameFeedbackTokenTwiceIsRefusedTheSecondTime() {
    String token = proxy.invokeEvent("chat-valid").json().path("feedbackToken").asText();
    String event = TestProxy.event("feedback-valid").replace("{{feedbackToken}}", token);
    assertThat(proxy.invoke(event).status()).isEqualTo(200);
    TestProxy.Reply again = proxy.invoke(event);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().at("/error/code").asText()).isEqualTo("duplicate_feedback");
  }

  @Test
  void aTokenIssuedBeforeTheRolloutChangedIsRefusedAsCrossRollout() {
    String token = proxy.invokeEvent("chat-valid").json().path("feedbackToken").asText();
    proxy.config.set(ChatProxyWiring.offlineRollout().withVersions(ChatProxyWiring.offlineRollout().versions()));
    var next = new io.llmcanary.core.config.RolloutConfig(1, "local", "local-demo-2", 50, null,
        ChatProxyWiring.offlineRollout().versions(), ChatProxyWiring.offlineRollout().pricing(), null, null, false);
    proxy.config.set(next);
    TestProxy.Reply fb = proxy.invoke(TestProxy.event("feedback-valid").replace("{{feedbackToken}}", token));
    assertThat(fb.status()).isEqualTo(403);
    assertThat(fb.json().at("/error/code").asText()).isEqualTo("feedback_token_wrong_rollout");
  }

  @Test
  void everySampleEventIsReplayedByTheseTests() throws IOException {
    Set<String> known = new HashSet<>(VALID_CHAT);
    known.addAll(TEMPLATES);
    invalid().forEach(a -> known.add((String) a.get()[0]));
    try (Stream<Path> files = Files.list(TestProxy.events())) {
      Set<String> all = new HashSet<>(files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json")).map(n -> n.substring(0, n.length() - 5))
          // events/ is shared by all functions (health-check-*, promotion-*): this proxy's are chat-* and feedback-*.
          .filter(n -> n.startsWith("chat-") || n.startsWith("feedback-")).toList());
      assertThat(all).as("every file in events/ has an expectation here").isEqualTo(known);
    }
  }
}
