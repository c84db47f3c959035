package io.llmcanary.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Variant;
import io.llmcanary.core.embedded.InMemoryFeedbackLedger;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.metrics.RequestMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackServiceTest {

  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  final List<RequestMetrics> metrics = new ArrayList<>();
  final FeedbackTokens tokens = new FeedbackTokens(
      ProxyKeys.derive("test-secret-test-secret-test-secret-0001", null).feedbackKeys(), Duration.ofDays(7),
      Duration.ofMinutes(5));
  final FixedConfigSource config = new FixedConfigSource(Fixtures.config(5, false));
  final UserPseudonymizer pseudonyms = new UserPseudonymizer(
      ProxyKeys.derive("test-secret-test-secret-test-secret-0001", null).pseudonymKey());
  final List<String> refusals = new ArrayList<>();
  final ProxyCounters counters = new ProxyCounters() {
    @Override
    public void fallback(String a, String r, String id, boolean ok, long t) {}

    @Override
    public void feedbackRefused(String a, String r, String id, String reason, String user, long t) {
      refusals.add(reason);
    }
  };
  final FeedbackService service = new FeedbackService(config, tokens, pseudonyms,
      new InMemoryFeedbackLedger(Clock.fixed(NOW, ZoneOffset.UTC)), metrics::add, counters, ProxySettings.defaults(),
      Clock.fixed(NOW, ZoneOffset.UTC));

  String token(String requestId, String rollout, Variant v) {
    return tokens.sign(new FeedbackToken(requestId, "chat-app", rollout, v, NOW.minusSeconds(30).getEpochSecond(),
        pseudonyms.pseudonym("alice")));
  }

  static FeedbackApiRequest alice(String token, double score) {
    return new FeedbackApiRequest(token, score, "alice");
  }

  @Test
  void feedbackIsRecordedAsQualityOfTheVersionNamedInTheToken() {
    FeedbackOutcome out = service.feedback(alice(token("req-1", "rollout-7", Variant.CANARY), 0.75), "fb-1");
    assertThat(out).isInstanceOf(FeedbackOutcome.Recorded.class);
    assertThat(metrics).singleElement().satisfies(m -> {
      assertThat(m.isFeedbackOnly()).isTrue();
      assertThat(m.version()).isEqualTo(Variant.CANARY);
      assertThat(m.requestId()).isEqualTo("req-1");
      assertThat(m.rolloutId()).isEqualTo("rollout-7");
      assertThat(m.quality()).isEqualTo(0.75);
    });
  }

  @Test
  void aSecondFeedbackOnTheSameAnswerIsRefused() {
    String t = token("req-1", "rollout-7", Variant.STABLE);
    service.feedback(alice(t, 1.0), "fb-1");
    FeedbackOutcome again = service.feedback(alice(t, 0.0), "fb-2");
    assertThat(((FeedbackOutcome.Refused) again).error().refusal()).isEqualTo(Refusal.ALREADY_RECORDED);
    assertThat(metrics).hasSize(1);
  }

  @Test
  void aTokenFromTheRolloutBeforeIsRefusedWith403AndNothingIsRecorded() {
    String t = token("req-1", "rollout-6", Variant.CANARY);
    FeedbackOutcome out = service.feedback(alice(t, 0.0), "fb-1");
    assertThat(out).isInstanceOfSatisfying(FeedbackOutcome.Refused.class, r -> {
      assertThat(r.error().refusal()).isEqualTo(Refusal.NOT_PERMITTED);
      assertThat(r.error().code()).isEqualTo("feedback_token_wrong_rollout");
      assertThat(r.error().field()).isEqualTo("feedbackToken");
    });
    assertThat(metrics).isEmpty();
  }

  @Test
  void aForgedTokenIsRefusedWith403() {
    String t = new FeedbackTokens(ProxyKeys.derive("someone-elses-secret-someone-elses-01", null).feedbackKeys(),
        Duration.ofDays(7), Duration.ZERO).sign(new FeedbackToken("req-1", "chat-app", "rollout-7", Variant.STABLE,
        NOW.getEpochSecond(), pseudonyms.pseudonym("alice")));
    FeedbackOutcome out = service.feedback(alice(t, 0.0), "fb-1");
    assertThat(((FeedbackOutcome.Refused) out).error().code()).isEqualTo("forged_feedback_token");
    assertThat(metrics).isEmpty();
  }

  @Test
  void withoutConfigFeedbackCannotBeAttributedAndIs503() {
    config.set(null);
    FeedbackOutcome out = service.feedback(alice(token("r", "rollout-7", Variant.STABLE), 1), "fb");
    assertThat(((FeedbackOutcome.Refused) out).error().refusal()).isEqualTo(Refusal.NO_CONFIG);
  }
}
