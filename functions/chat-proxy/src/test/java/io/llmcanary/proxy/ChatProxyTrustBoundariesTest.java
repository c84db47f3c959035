package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.embedded.InMemoryFeedbackLedger;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.core.proxy.ProxySettings;
import io.llmcanary.core.proxy.UserIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The proxy's trust boundaries over API Gateway events: identity, hidden version, hostile feedback, deadline. */
class ChatProxyTrustBoundariesTest {

  static final String JWT_ALICE = "{\"jwt\":{\"claims\":{\"sub\":\"sub-alice\",\"iss\":\"https://issuer\"},\"scopes\":null}}";
  static final String JWT_MALLORY = "{\"jwt\":{\"claims\":{\"sub\":\"sub-mallory\"},\"scopes\":null}}";
  static final String IAM_BOB = "{\"iam\":{\"userArn\":\"arn:aws:iam::123456789012:user/bob\",\"accountId\":\"123456789012\"}}";

  static TestProxy hidden() {
    return new TestProxy(null, b -> b);
  }

  static TestProxy jwt(InMemoryFeedbackLedger ledger) {
    return new TestProxy(null, b -> b.feedbackLedger(ledger)
        .settings(ProxySettings.defaults().withUserIdentity(UserIdentity.JWT_SUB)));
  }

  static String feedback(String token, Object score) {
    return TestProxy.event("feedback-valid").replace("{{feedbackToken}}", token).replace("\"up\"", Json.MAPPER
        .valueToTree(score).toString());
  }

  // --- the version is hidden from end users by default -------------------------------------------------------

  @Test
  void byDefaultAnAnswerNamesNoVersionInBodyHeadersCostOrToken() {
    TestProxy proxy = hidden();
    TestProxy.Reply r = proxy.invokeEvent("chat-valid");
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.has("version")).isFalse();
    assertThat(body.path("usage").has("cost")).isFalse();
    assertThat(body.path("usage").path("inputTokens").isNumber()).isTrue();
    assertThat(r.response().getHeaders()).doesNotContainKeys("x-canary-version", "x-canary-fallback");
    String payload = new String(Base64.getUrlDecoder().decode(body.path("feedbackToken").asText().split("\\.")[1]),
        StandardCharsets.UTF_8);
    assertThat(payload).doesNotContain("canary").doesNotContain("stable").doesNotContain("local-demo");
    // operators still see it: the log line and the EMF line name the version
    assertThat(proxy.lines).anySatisfy(l -> assertThat(l).startsWith("{\"level\"").containsPattern("\"version\":\"(stable|canary)\""));
    assertThat(proxy.lines).anySatisfy(l -> assertThat(l).startsWith("{\"_aws\"").containsPattern("\"Version\":\"(stable|canary)\""));

    TestProxy.Reply fb = proxy.invoke(feedback(body.path("feedbackToken").asText(), "up"));
    assertThat(fb.status()).isEqualTo(200);
    assertThat(fb.json().has("version")).isFalse();
  }

  @Test
  void withTheVersionExposedTheAnswerNamesIt() {
    TestProxy.Reply r = new TestProxy().invokeEvent("chat-valid");
    assertThat(r.json().path("version").asText()).isIn("stable", "canary").isEqualTo(r.header("x-canary-version"));
    assertThat(r.json().path("usage").has("cost")).isTrue();
  }

  // --- the user from the authenticated identity --------------------------------------------------------------

  @Test
  void withJwtIdentityTheSubAssignsAndTheBodyUserIdIsIgnored() {
    TestProxy proxy = jwt(new InMemoryFeedbackLedger(Clock.systemUTC()));
    String version = null;
    for (int i = 0; i < 30; i++) {
      String event = TestProxy.withAuthorizer(TestProxy.chatEvent(
          "{\"userId\":\"cycled-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "req-" + i),
          JWT_ALICE);
      TestProxy.Reply r = proxy.invoke(event);
      assertThat(r.status()).isEqualTo(200);
      String rid = "\"requestId\":\"req-" + i + "\"";
      String v = proxy.lines.stream().filter(l -> l.contains(rid) && l.startsWith("{\"level\""))
          .map(l -> l.replaceAll(".*\"version\":\"([a-z]+)\".*", "$1")).findFirst().orElseThrow();
      version = version == null ? v : version;
      assertThat(v).as("every cycled body id is served as sub-alice").isEqualTo(version);
    }
    assertThat(String.join("\n", proxy.lines)).doesNotContain("sub-alice").doesNotContain("cycled-");
  }

  @Test
  void withJwtIdentityARequestWithoutAJwtIs401NamingTheSetting() {
    TestProxy.Reply r = jwt(new InMemoryFeedbackLedger(Clock.systemUTC())).invokeEvent("chat-valid");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("no_authenticated_user");
    assertThat(r.json().at("/error/message").asText()).contains("CANARY_USER_IDENTITY is jwt:sub");
  }

  @Test
  void withJwtIdentityAChatNeedsNoUserIdInTheBody() {
    String event = TestProxy.withAuthorizer(TestProxy.chatEvent(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "req-1"), JWT_ALICE);
    assertThat(jwt(new InMemoryFeedbackLedger(Clock.systemUTC())).invoke(event).status()).isEqualTo(200);
  }

  @Test
  void withIamIdentityTheCallersArnIsTheUser() {
    TestProxy proxy = new TestProxy(null, b -> b.settings(ProxySettings.defaults().withUserIdentity(UserIdentity.IAM)));
    TestProxy.Reply r = proxy.invoke(TestProxy.withAuthorizer(TestProxy.event("chat-valid"), IAM_BOB));
    assertThat(r.status()).isEqualTo(200);
    String token = r.json().path("feedbackToken").asText();
    // the token is bob's: with his identity it is taken, whatever userId the body names
    TestProxy.Reply fb = proxy.invoke(TestProxy.withAuthorizer(feedback(token, "up"), IAM_BOB));
    assertThat(fb.status()).isEqualTo(200);
    assertThat(String.join("\n", proxy.lines)).doesNotContain("user/bob");
  }

  // --- hostile feedback over HTTP: each refused with its reason, counted ------------------------------------

  @Test
  void hostileFeedbackIsRefusedWithAnActionable4xxAndCountedByReasonAcrossTwoProxiesSharingTheLedger() {
    InMemoryFeedbackLedger shared = new InMemoryFeedbackLedger(Clock.fixed(TestProxy.NOW, ZoneOffset.UTC));
    TestProxy a = jwt(shared);
    TestProxy b = jwt(shared);
    String token = a.invoke(TestProxy.withAuthorizer(TestProxy.event("chat-valid"), JWT_ALICE))
        .json().path("feedbackToken").asText();

    // presented by another user (mallory's JWT, alice's userId in the body: ignored)
    assertRefused(b, TestProxy.withAuthorizer(feedback(token, 0), JWT_MALLORY), 403, "feedback_token_other_user");
    // forged
    String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertRefused(b, TestProxy.withAuthorizer(feedback(forged, 0), JWT_ALICE), 403, "forged_feedback_token");
    // taken once, then replayed on the other proxy
    assertThat(a.invoke(TestProxy.withAuthorizer(feedback(token, 1), JWT_ALICE)).status()).isEqualTo(200);
    assertRefused(b, TestProxy.withAuthorizer(feedback(token, 1), JWT_ALICE), 409, "duplicate_feedback");
    // without the identity the mode asks for
    assertRefused(b, feedback(token, 1), 401, "no_authenticated_user");

    // every refusal is one FeedbackRefusals EMF count with its reason; the user only as a pseudonym
    List<String> counted = b.lines.stream().filter(l -> l.contains("\"FeedbackRefusals\":1")).toList();
    assertThat(counted).extracting(l -> l.replaceAll(".*\"Reason\":\"([a-z_]+)\".*", "$1")).containsExactly(
        "feedback_token_other_user", "forged_feedback_token", "duplicate_feedback", "no_authenticated_user");
    assertThat(String.join("\n", b.lines)).doesNotContain("sub-alice").doesNotContain("sub-mallory");
    assertThat(counted.get(0)).contains("\"user\":\"u_");
  }

  @Test
  void feedbackOverThePerUserCapIsA429SayingWhenToSendItAgain() {
    TestProxy proxy = new TestProxy(null, b -> b.settings(ProxySettings.defaults().withFeedbackPerUserPerHour(2)));
    for (int i = 0; i < 3; i++) {
      String token = proxy.invoke(TestProxy.withRequestId(TestProxy.event("chat-valid"), "req-" + i))
          .json().path("feedbackToken").asText();
      TestProxy.Reply fb = proxy.invoke(feedback(token, "up"));
      if (i < 2) {
        assertThat(fb.status()).isEqualTo(200);
      } else {
        assertThat(fb.status()).isEqualTo(429);
        assertThat(fb.json().at("/error/code").asText()).isEqualTo("feedback_rate_limited");
        assertThat(fb.json().at("/error/message").asText()).contains("at most 2").contains("45 min");
      }
    }
  }

  // --- one deadline per request, the fallback included ---------------------------------------------------------

  @Test
  void aSlowCanaryAndASlowStableStillGetTheProxysJson504BeforeTheGatewaysLimit() {
    AtomicLong nanos = new AtomicLong();
    // A model that takes 40 s on the injected timer, or stops at the call's timeout as the SDK clients do.
    io.llmcanary.core.ports.ChatModel slow = r -> {
      nanos.addAndGet(Math.min(Duration.ofSeconds(40).toNanos(), r.timeout().toNanos()));
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "timed out");
    };
    RolloutConfig base = ChatProxyWiring.offlineRollout();
    RolloutConfig withFallback = new RolloutConfig(base.schemaVersion(), base.application(), base.rolloutId(), 100,
        base.salt(), base.versions(), base.pricing(), base.guardrails(), base.stages(), true, base.qualityJudge());
    TestProxy proxy = new TestProxy(new FixedConfigSource(withFallback), b -> b
        .models(new ChatModels(Map.of(OfflineChatModel.PROVIDER, slow)))
        .nanoTime(nanos::get)
        .settings(ProxySettings.defaults().withRequestBudget(Duration.ofSeconds(28))));
    TestProxy.Reply r = proxy.invokeEvent("chat-valid");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("model_timeout");
    assertThat(r.json().at("/error/message").asText()).contains("28 s budget");
    assertThat(Duration.ofNanos(nanos.get())).isLessThanOrEqualTo(Duration.ofSeconds(28));
    assertThat(proxy.lines).anySatisfy(l -> assertThat(l).contains("\"Fallbacks\":1").contains("\"FallbackErrors\":1"));
  }

  private static void assertRefused(TestProxy proxy, String event, int status, String code) {
    TestProxy.Reply r = proxy.invoke(event);
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.json().at("/error/code").asText()).isEqualTo(code);
    assertThat(r.json().at("/error/message").asText()).isNotBlank();
  }
}
