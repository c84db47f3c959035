package io.llmcanary.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.embedded.InMemoryFeedbackLedger;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.FeedbackLedger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The corpus of hostile feedback: each kind is refused with the reason answered and counted, and none
 * reaches a version's Quality. Two proxy "containers" share one ledger, as every container shares the DynamoDB
 * table in AWS.
 */
class HostileFeedbackTest {

  static final String SECRET = "test-secret-test-secret-test-secret-0001";
  static final Instant NOW = Instant.parse("2026-11-26T10:20:00Z");

  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final ProxyKeys keys = ProxyKeys.derive(SECRET, null);
  final FeedbackTokens tokens = new FeedbackTokens(keys.feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
  final UserPseudonymizer pseudonyms = new UserPseudonymizer(keys.pseudonymKey());
  final FixedConfigSource config = new FixedConfigSource(Fixtures.config(50, false));
  final InMemoryFeedbackLedger shared = new InMemoryFeedbackLedger(clock);
  final List<RequestMetrics> quality = new CopyOnWriteArrayList<>();
  /** reason|user pseudonym, as EMF and the log get them. */
  final List<String> counted = new CopyOnWriteArrayList<>();
  final ProxyCounters counters = new ProxyCounters() {
    @Override
    public void fallback(String a, String r, String id, boolean ok, long t) {}

    @Override
    public void feedbackRefused(String a, String r, String id, String reason, String user, long t) {
      counted.add(reason + "|" + user);
    }
  };

  ProxySettings settings = ProxySettings.defaults().withFeedbackPerUserPerHour(3);

  FeedbackService container(FeedbackLedger ledger) {
    return new FeedbackService(config, tokens, pseudonyms, ledger, quality::add, counters, settings, clock);
  }

  ChatService chat() {
    return new ChatService(config, new ChatModels(Map.of("fake", r -> new ChatResult("An answer.", 3, 4, "stop"))),
        m -> { }, ProxyCounters.NONE, tokens, pseudonyms, settings, clock, System::nanoTime, Fixtures.JSON);
  }

  /** A real token: what {@code /chat} gave {@code user} for answer {@code requestId}. */
  String tokenFor(String user, String requestId) {
    ChatApiRequest r = new ChatApiRequest(user, List.of(new ChatMessage("user", "hi")), null, false);
    return ((ChatOutcome.Answered) chat().chat(r, requestId)).answer().feedbackToken();
  }

  static FeedbackApiRequest as(String user, String token) {
    return new FeedbackApiRequest(token, 0.0, user);
  }

  private void assertRefused(FeedbackOutcome out, Refusal refusal, String code) {
    assertThat(out).isInstanceOfSatisfying(FeedbackOutcome.Refused.class, r -> {
      assertThat(r.error().refusal()).isEqualTo(refusal);
      assertThat(r.error().code()).isEqualTo(code);
      assertThat(r.error().message()).isNotBlank();
    });
    assertThat(counted).last().asString().startsWith(code + "|");
  }

  @Test
  void aForgedTokenIsRefusedAndCounted() {
    String real = tokenFor("mallory", "req-1");
    String forged = real.substring(0, real.length() - 4) + (real.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertRefused(container(shared).feedback(as("mallory", forged), "fb-1"), Refusal.NOT_PERMITTED, "forged_feedback_token");
    assertThat(quality).isEmpty();
  }

  @Test
  void aTokenReplayedOnAnotherContainerIsRefusedThereAndCountedOnce() {
    String t = tokenFor("mallory", "req-1");
    assertThat(container(shared).feedback(as("mallory", t), "fb-1")).isInstanceOf(FeedbackOutcome.Recorded.class);
    assertRefused(container(shared).feedback(as("mallory", t), "fb-2"), Refusal.ALREADY_RECORDED, "duplicate_feedback");
    assertRefused(container(shared).feedback(as("mallory", t), "fb-3"), Refusal.ALREADY_RECORDED, "duplicate_feedback");
    assertThat(quality).hasSize(1);
  }

  @Test
  void aTokenPresentedByAnotherUserIsRefusedAndCounted() {
    String alices = tokenFor("alice", "req-1");
    assertRefused(container(shared).feedback(as("mallory", alices), "fb-1"), Refusal.NOT_PERMITTED, "feedback_token_other_user");
    assertThat(quality).isEmpty();
    // ... and alice can still use her own.
    assertThat(container(shared).feedback(as("alice", alices), "fb-2")).isInstanceOf(FeedbackOutcome.Recorded.class);
  }

  @Test
  void feedbackOverThePerUserCapIsRefusedWith429AndCountedAcrossContainers() {
    for (int i = 0; i < 3; i++) {
      FeedbackService c = container(shared); // a new container each time: the cap is in the shared ledger
      assertThat(c.feedback(as("mallory", tokenFor("mallory", "req-" + i)), "fb-" + i))
          .isInstanceOf(FeedbackOutcome.Recorded.class);
    }
    FeedbackOutcome fourth = container(shared).feedback(as("mallory", tokenFor("mallory", "req-3")), "fb-3");
    assertRefused(fourth, Refusal.OVER_CAP, "feedback_rate_limited");
    assertThat(((FeedbackOutcome.Refused) fourth).error().message()).contains("at most 3").contains("40 min");
    assertThat(quality).hasSize(3);
    // another user is not held to mallory's cap
    assertThat(container(shared).feedback(as("alice", tokenFor("alice", "req-9")), "fb-9"))
        .isInstanceOf(FeedbackOutcome.Recorded.class);
  }

  @Test
  void aTokenRewrittenForTheOtherVersionIsRefusedAsForged() {
    String t = tokenFor("mallory", "req-1");
    String[] parts = t.split("\\.");
    String[] f = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).split("\\|");
    f[2] = f[2].equals("0") ? "1" : "0";
    String otherVersion = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(String.join("|", f).getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertRefused(container(shared).feedback(as("mallory", otherVersion), "fb-1"), Refusal.NOT_PERMITTED, "forged_feedback_token");
    assertThat(quality).isEmpty();
  }

  @Test
  void aTokenOfAnEarlierRolloutIsRefusedAndCounted() {
    String old = tokens.sign(new FeedbackToken("req-1", "chat-app", "rollout-6", Variant.CANARY,
        NOW.getEpochSecond(), pseudonyms.pseudonym("mallory")));
    assertRefused(container(shared).feedback(as("mallory", old), "fb-1"), Refusal.NOT_PERMITTED, "feedback_token_wrong_rollout");
  }

  @Test
  void withJwtIdentityABodyUserIdNamingTheTokensOwnerDoesNotHelpAnotherCaller() {
    settings = settings.withUserIdentity(UserIdentity.JWT_SUB);
    String alices = tokens.sign(new FeedbackToken("req-1", "chat-app", "rollout-7", Variant.CANARY,
        NOW.getEpochSecond(), pseudonyms.pseudonym("sub-alice")));
    FeedbackOutcome out = container(shared).feedback(new FeedbackApiRequest(alices, 0.0, "sub-alice"),
        Caller.jwt("sub-mallory"), "fb-1");
    assertRefused(out, Refusal.NOT_PERMITTED, "feedback_token_other_user");
    assertRefused(container(shared).feedback(new FeedbackApiRequest(alices, 0.0, "sub-alice"), Caller.NONE, "fb-2"),
        Refusal.UNAUTHENTICATED, "no_authenticated_user");
    assertThat(container(shared).feedback(new FeedbackApiRequest(alices, 1.0, null), Caller.jwt("sub-alice"), "fb-3"))
        .isInstanceOf(FeedbackOutcome.Recorded.class);
  }

  @Test
  void whenTheLedgerCannotBeAskedFeedbackIsRefusedNotLetThroughUncounted() {
    FeedbackLedger down = new FeedbackLedger() {
      @Override
      public boolean countWithinCap(String a, String r, String u, long h, int cap, Instant e) {
        throw new Unavailable("table unreachable", null);
      }

      @Override
      public boolean firstUse(String a, String r, String id, Instant e) {
        throw new Unavailable("table unreachable", null);
      }
    };
    assertRefused(container(down).feedback(as("mallory", tokenFor("mallory", "req-1")), "fb-1"), Refusal.STORE_UNAVAILABLE,
        "feedback_store_unavailable");
    assertThat(quality).isEmpty();
  }

  @Test
  void refusalsAreCountedWithThePseudonymNeverTheRawUserId() {
    String alices = tokenFor("alice@example.com", "req-1");
    container(shared).feedback(as("mallory@example.com", alices), "fb-1");
    assertThat(counted).singleElement().asString()
        .isEqualTo("feedback_token_other_user|" + pseudonyms.pseudonym("mallory@example.com"))
        .doesNotContain("mallory@example.com");
  }
}
