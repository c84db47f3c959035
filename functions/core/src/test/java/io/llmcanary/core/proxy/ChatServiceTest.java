package io.llmcanary.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.feedback.TokenCheck;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.ChatModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ChatServiceTest {

  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  static final String SECRET = "test-secret-test-secret-test-secret-0001";

  final List<RequestMetrics> metrics = new ArrayList<>();
  final List<String> fallbacks = new ArrayList<>();
  final Map<String, Function<ChatRequest, ChatResult>> behaviour = new HashMap<>();
  final List<String> calls = new ArrayList<>();
  final AtomicLong nanos = new AtomicLong();
  final ProxyKeys keys = ProxyKeys.derive(SECRET, null);
  final FeedbackTokens tokens = new FeedbackTokens(keys.feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
  final UserPseudonymizer pseudonyms = new UserPseudonymizer(keys.pseudonymKey());
  FixedConfigSource config = new FixedConfigSource(Fixtures.config(100, false));

  final ChatModel fake = request -> {
    calls.add(request.version().model());
    nanos.addAndGet(250_000_000L); // every call takes 250 ms on the injected timer
    return behaviour.getOrDefault(request.version().model(), r -> new ChatResult("An answer.", 12, 34, "stop")).apply(request);
  };

  ChatService service(ProxySettings settings) {
    return new ChatService(config, new ChatModels(Map.of("fake", fake)), metrics::add,
        (app, rollout, id, ok, ts) -> fallbacks.add(rollout + ":" + id + ":" + ok), tokens,
        new UserPseudonymizer(keys.pseudonymKey()), settings, Clock.fixed(NOW, ZoneOffset.UTC), nanos::get, Fixtures.JSON);
  }

  ChatService service() {
    return service(ProxySettings.defaults());
  }

  static ChatApiRequest request(boolean json) {
    return new ChatApiRequest("alice@example.com", List.of(new ChatMessage("user", "What is a canary?")), null, json);
  }

  @Test
  void anAnsweredRequestCarriesTheVersionUsageCostAndAFeedbackTokenForThatVersion() {
    ChatOutcome out = service().chat(request(false), "req-1");
    ChatAnswer a = ((ChatOutcome.Answered) out).answer();
    assertThat(a.answer()).isEqualTo("An answer.");
    assertThat(a.version()).isEqualTo(Variant.CANARY);
    assertThat(a.inputTokens()).isEqualTo(12);
    assertThat(a.outputTokens()).isEqualTo(34);
    assertThat(a.cost()).isCloseTo((12 * 1.0 + 34 * 5.0) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(tokens.verify(a.feedbackToken(), "chat-app", "rollout-7", pseudonyms.pseudonym("alice@example.com"), NOW))
        .isInstanceOfSatisfying(TokenCheck.Valid.class, v -> {
          assertThat(v.token().version()).isEqualTo(Variant.CANARY);
          assertThat(v.token().requestId()).isEqualTo("req-1");
        });
    assertThat(calls).containsExactly("model-c");
  }

  @Test
  void oneMetricsRecordPerRequestForTheServingVersionWithLatencyTokensAndCost() {
    service().chat(request(false), "req-1");
    assertThat(metrics).singleElement().satisfies(m -> {
      assertThat(m.application()).isEqualTo("chat-app");
      assertThat(m.rolloutId()).isEqualTo("rollout-7");
      assertThat(m.version()).isEqualTo(Variant.CANARY);
      assertThat(m.requestId()).isEqualTo("req-1");
      assertThat(m.model()).isEqualTo("model-c");
      assertThat(m.error()).isFalse();
      assertThat(m.latencyMs()).isEqualTo(250.0);
      assertThat(m.inputTokens()).isEqualTo(12);
      assertThat(m.outputTokens()).isEqualTo(34);
      assertThat(m.cost()).isPositive();
      assertThat(m.quality()).isNull();
      assertThat(m.checkFailure()).isFalse();
      assertThat(m.timestampMillis()).isEqualTo(NOW.toEpochMilli());
    });
  }

  @Test
  void theSystemPromptModelAndParametersComeFromTheUsersVersion() {
    List<ChatRequest> seen = new ArrayList<>();
    behaviour.put("model-s", r -> {
      seen.add(r);
      return new ChatResult("ok", 1, 1, "stop");
    });
    config.set(Fixtures.config(0, false));
    service().chat(request(true), "req-1");
    assertThat(seen).singleElement().satisfies(r -> {
      assertThat(r.version()).isEqualTo(Fixtures.STABLE);
      assertThat(r.jsonResponse()).isTrue();
      assertThat(r.timeout()).isEqualTo(ProxySettings.defaults().modelTimeout());
      assertThat(r.messages()).containsExactly(new ChatMessage("user", "What is a canary?"));
    });
  }

  @Test
  void aFailedAutomaticCheckIsCountedAsACheckFailureAndNeverAsAQualityScore() {
    behaviour.put("model-c", r -> new ChatResult("not json", 5, 5, "stop"));
    ChatOutcome out = service().chat(request(true), "req-1");
    assertThat(out.trace().call().check()).isEqualTo("invalid_json");
    assertThat(metrics.get(0).checkFailure()).isTrue();
    assertThat(metrics.get(0).quality()).isNull();
  }

  @Test
  void aPassingAnswerCountsNoCheckFailure() {
    behaviour.put("model-c", r -> new ChatResult("{\"ok\": true}", 5, 5, "stop"));
    service().chat(request(true), "req-1");
    assertThat(metrics.get(0).checkFailure()).isFalse();
  }

  ChatService judged(io.llmcanary.core.ports.JudgeHandoff handoff, List<String> counted) {
    config = new FixedConfigSource(Fixtures.config(50, false).withQualityJudge(
        new io.llmcanary.core.config.QualityJudgeConfig("absolute", 1.0, 100, null, null)));
    return new ChatService(config, new ChatModels(Map.of("fake", fake)), metrics::add, new ProxyCounters() {
      @Override
      public void fallback(String a, String r, String id, boolean ok, long t) { }

      @Override
      public void judgeHandoff(String a, String r, String id, io.llmcanary.core.qualityjudge.JudgeDispatch.Result res,
          long t) {
        counted.add(res.wireName());
      }
    }, tokens, new UserPseudonymizer(keys.pseudonymKey()), ProxySettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC),
        nanos::get, handoff, Fixtures.JSON);
  }

  @Test
  void aSampledAnswerIsHandedToTheQualityJudgeAndCounted() {
    List<io.llmcanary.core.qualityjudge.JudgeTask> sent = new ArrayList<>();
    List<String> counted = new ArrayList<>();
    ChatOutcome out = judged(sent::add, counted).chat(request(false), "req-1");
    assertThat(out).isInstanceOf(ChatOutcome.Answered.class);
    assertThat(sent).singleElement().satisfies(t -> {
      assertThat(t.answer()).isEqualTo("An answer.");
      assertThat(t.messages()).containsExactly(new ChatMessage("user", "What is a canary?"));
    });
    assertThat(counted).containsExactly("sent");
  }

  @Test
  void aFailingHandOffNeverFailsTheChatRequestAndIsCountedAsDropped() {
    List<String> counted = new ArrayList<>();
    ChatOutcome out = judged(t -> {
      throw new IllegalStateException("queue down");
    }, counted).chat(request(false), "req-1");
    assertThat(out).isInstanceOf(ChatOutcome.Answered.class);
    assertThat(((ChatOutcome.Answered) out).answer().answer()).isEqualTo("An answer.");
    assertThat(counted).containsExactly("failed");
  }

  @Test
  void anAnswerThatFailedACheckIsNotHandedToTheJudge() {
    behaviour.put("model-c", r -> new ChatResult("", 5, 0, "stop"));
    behaviour.put("model-s", r -> new ChatResult("", 5, 0, "stop"));
    List<io.llmcanary.core.qualityjudge.JudgeTask> sent = new ArrayList<>();
    judged(sent::add, new ArrayList<>()).chat(request(false), "req-1");
    assertThat(sent).isEmpty();
    assertThat(metrics.get(0).checkFailure()).isTrue();
  }

  @Test
  void aModelErrorIsA502AndCountedAsAnErrorOfThatVersion() {
    behaviour.put("model-c", r -> {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "boom");
    });
    ChatOutcome out = service().chat(request(false), "req-1");
    assertThat(out).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
      assertThat(r.error().refusal()).isEqualTo(Refusal.MODEL_ERROR);
      assertThat(r.error().code()).isEqualTo("model_error");
      assertThat(r.error().message()).doesNotContain("boom");
    });
    assertThat(metrics).singleElement().satisfies(m -> {
      assertThat(m.version()).isEqualTo(Variant.CANARY);
      assertThat(m.error()).isTrue();
      assertThat(m.latencyMs()).isEqualTo(250.0);
      assertThat(m.finishReason()).isEqualTo("error_error");
    });
    assertThat(fallbacks).isEmpty();
  }

  @Test
  void aModelTimeoutIsA504AndThrottlingA502BothCountedAsErrors() {
    behaviour.put("model-c", r -> {
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "slow");
    });
    assertThat(((ChatOutcome.Refused) service().chat(request(false), "r1")).error().refusal()).isEqualTo(Refusal.MODEL_TIMEOUT);
    behaviour.put("model-c", r -> {
      throw new ChatModelException(ChatModelException.Kind.THROTTLED, "429");
    });
    ChatOutcome.Refused t = (ChatOutcome.Refused) service().chat(request(false), "r2");
    assertThat(t.error().refusal()).isEqualTo(Refusal.MODEL_THROTTLED);
    assertThat(t.error().code()).isEqualTo("model_throttled");
    assertThat(metrics).extracting(RequestMetrics::error).containsExactly(true, true);
  }

  @Test
  void anUnexpectedExceptionFromAnAdapterIsAModelErrorOfThatVersion() {
    behaviour.put("model-c", r -> {
      throw new NullPointerException("adapter bug");
    });
    ChatOutcome out = service().chat(request(false), "req-1");
    assertThat(((ChatOutcome.Refused) out).error().refusal()).isEqualTo(Refusal.MODEL_ERROR);
    assertThat(metrics.get(0).error()).isTrue();
  }

  @Test
  void aVersionNamingAProviderThatIsNotSetUpFailsAsAModelErrorOfThatVersion() {
    ChatService s = new ChatService(config, new ChatModels(Map.of()), metrics::add, ProxyCounters.NONE, tokens,
        new UserPseudonymizer(keys.pseudonymKey()), ProxySettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC), nanos::get, Fixtures.JSON);
    assertThat(((ChatOutcome.Refused) s.chat(request(false), "r")).error().refusal()).isEqualTo(Refusal.MODEL_ERROR);
    assertThat(metrics.get(0).error()).isTrue();
  }

  @Test
  void withFallbackToStableAFailedCanaryRequestIsAnsweredByStableAndCountedSeparately() {
    config.set(Fixtures.config(100, true));
    behaviour.put("model-c", r -> {
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "slow");
    });
    ChatOutcome out = service().chat(request(false), "req-1");
    assertThat(out).isInstanceOfSatisfying(ChatOutcome.Answered.class, a -> {
      assertThat(a.answer().version()).isEqualTo(Variant.STABLE);
      assertThat(a.answer().fallback()).isTrue();
      assertThat(a.answer().feedbackToken()).as("a fallback answer belongs to neither population").isNull();
      assertThat(a.trace().call().fallback()).isTrue();
    });
    assertThat(calls).containsExactly("model-c", "model-s");
    assertThat(metrics).as("the canary's error only; the stable retry is not a stable request")
        .singleElement().satisfies(m -> {
          assertThat(m.version()).isEqualTo(Variant.CANARY);
          assertThat(m.error()).isTrue();
        });
    assertThat(fallbacks).containsExactly("rollout-7:req-1:true");
  }

  @Test
  void whenTheFallbackAlsoFailsTheCanarysErrorIsAnsweredAndTheFallbackCountedAsFailed() {
    config.set(Fixtures.config(100, true));
    behaviour.put("model-c", r -> {
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "slow");
    });
    behaviour.put("model-s", r -> {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "down");
    });
    ChatOutcome out = service().chat(request(false), "req-1");
    assertThat(((ChatOutcome.Refused) out).error().refusal()).isEqualTo(Refusal.MODEL_TIMEOUT);
    assertThat(fallbacks).containsExactly("rollout-7:req-1:false");
  }

  @Test
  void stableFailuresAreNeverRetried() {
    config.set(Fixtures.config(0, true));
    behaviour.put("model-s", r -> {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "down");
    });
    service().chat(request(false), "req-1");
    assertThat(calls).containsExactly("model-s");
    assertThat(fallbacks).isEmpty();
  }

  @Test
  void withoutConfigTheFallbackStableAnswersWithoutFeedbackTokenOrCost() {
    FixedConfigSource none = new FixedConfigSource(null);
    config = none;
    ChatService s = service(ProxySettings.defaults().withFallbackStable(Fixtures.STABLE));
    ChatAnswer a = ((ChatOutcome.Answered) s.chat(request(false), "r")).answer();
    assertThat(a.version()).isEqualTo(Variant.STABLE);
    assertThat(a.feedbackToken()).isNull();
    assertThat(a.cost()).isZero();
    assertThat(metrics.get(0).rolloutId()).isEqualTo(VersionRouter.NO_ROLLOUT);
  }

  @Test
  void withoutConfigOrFallbackTheAnswerIs503AndNoModelIsCalled() {
    config = new FixedConfigSource(null);
    ChatOutcome out = service().chat(request(false), "r");
    assertThat(((ChatOutcome.Refused) out).error().refusal()).isEqualTo(Refusal.NO_CONFIG);
    assertThat(calls).isEmpty();
    assertThat(metrics).isEmpty();
  }

  @Test
  void theTraceHoldsAPseudonymNeverTheUserId() {
    ChatOutcome out = service().chat(request(false), "r");
    assertThat(out.trace().user()).startsWith("u_").hasSize(18).doesNotContain("alice");
    ChatOutcome again = service().chat(request(false), "r2");
    assertThat(again.trace().user()).isEqualTo(out.trace().user());
  }

  // --- the deadline budget: one per request, the fallback included -------------------------------------------------

  /** A model that takes {@code seconds} on the injected timer, or gives up at the call's timeout like the SDK does. */
  Function<ChatRequest, ChatResult> slow(long seconds) {
    return r -> {
      long wanted = Duration.ofSeconds(seconds).toNanos();
      long allowed = r.timeout().toNanos();
      nanos.addAndGet(Math.min(wanted, allowed) - 250_000_000L); // the fake adds its 250 ms on top
      if (wanted > allowed) {
        throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "timed out");
      }
      return new ChatResult("A slow answer.", 12, 34, "stop");
    };
  }

  @Test
  void aSlowCanaryAndASlowStableStillAnswerTheProxys504WithinTheRequestBudget() {
    config = new FixedConfigSource(Fixtures.config(100, true));
    behaviour.put("model-c", slow(40));
    behaviour.put("model-s", slow(40));
    long start = nanos.get();
    ChatOutcome out = service(ProxySettings.defaults().withRequestBudget(Duration.ofSeconds(28))).chat(request(false), "r");
    long elapsed = nanos.get() - start;
    assertThat(out).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
      assertThat(r.error().refusal()).isEqualTo(Refusal.MODEL_TIMEOUT);
      assertThat(r.error().code()).isEqualTo("model_timeout");
      assertThat(r.error().message()).contains("28 s budget");
    });
    assertThat(calls).containsExactly("model-c", "model-s");
    assertThat(Duration.ofNanos(elapsed)).isLessThanOrEqualTo(Duration.ofSeconds(28));
    assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(30)); // API Gateway's integration limit
    assertThat(fallbacks).containsExactly("rollout-7:r:false");
  }

  @Test
  void theFallbackGetsOnlyWhatIsLeftOfTheBudget() {
    config = new FixedConfigSource(Fixtures.config(100, true));
    List<Duration> timeouts = new ArrayList<>();
    behaviour.put("model-c", r -> {
      timeouts.add(r.timeout());
      return slow(40).apply(r);
    });
    behaviour.put("model-s", r -> {
      timeouts.add(r.timeout());
      return slow(2).apply(r);
    });
    ChatOutcome out = service(ProxySettings.defaults().withRequestBudget(Duration.ofSeconds(28))).chat(request(false), "r");
    assertThat(timeouts).containsExactly(Duration.ofSeconds(25), Duration.ofSeconds(3));
    assertThat(out).isInstanceOfSatisfying(ChatOutcome.Answered.class, a -> assertThat(a.answer().fallback()).isTrue());
  }

  @Test
  void withLessThanASecondOfBudgetLeftNoFallbackIsTriedAndTheClientGets504() {
    config = new FixedConfigSource(Fixtures.config(100, true));
    behaviour.put("model-c", slow(40));
    ChatOutcome out = service(ProxySettings.defaults().withModelTimeout(Duration.ofSeconds(28))
        .withRequestBudget(Duration.ofMillis(28_500))).chat(request(false), "r");
    assertThat(((ChatOutcome.Refused) out).error().refusal()).isEqualTo(Refusal.MODEL_TIMEOUT);
    assertThat(calls).containsExactly("model-c");
    assertThat(fallbacks).isEmpty();
  }

  @Test
  void aModelTimeoutLongerThanTheBudgetIsCutToTheBudget() {
    List<Duration> timeouts = new ArrayList<>();
    behaviour.put("model-c", r -> {
      timeouts.add(r.timeout());
      return new ChatResult("ok", 1, 1, "stop");
    });
    service(ProxySettings.defaults().withModelTimeout(Duration.ofSeconds(60)).withRequestBudget(Duration.ofSeconds(28)))
        .chat(request(false), "r");
    assertThat(timeouts).containsExactly(Duration.ofSeconds(28));
  }

  // --- where the user comes from -------------------------------------------------------------------------------

  @Test
  void withJwtIdentityTheSubIsTheUserAndTheBodyUserIdIsIgnored() {
    config = new FixedConfigSource(Fixtures.config(50, false));
    ProxySettings jwt = ProxySettings.defaults().withUserIdentity(UserIdentity.JWT_SUB);
    ChatService s = service(jwt);
    Variant bySub = ((ChatOutcome.Answered) s.chat(request(false), Caller.jwt("sub-1"), "r0")).answer().version();
    for (int i = 0; i < 50; i++) {
      ChatApiRequest cycled = new ChatApiRequest("cycled-" + i, List.of(new ChatMessage("user", "hi")), null, false);
      ChatOutcome.Answered a = (ChatOutcome.Answered) s.chat(cycled, Caller.jwt("sub-1"), "r" + (i + 1));
      assertThat(a.answer().version()).isEqualTo(bySub);
      assertThat(a.trace().user()).isEqualTo(pseudonyms.pseudonym("sub-1"));
      assertThat(tokens.verify(a.answer().feedbackToken(), "chat-app", "rollout-7", pseudonyms.pseudonym("sub-1"),
          NOW)).isInstanceOf(TokenCheck.Valid.class);
    }
  }

  @Test
  void withIamIdentityTheCallerArnIsTheUser() {
    ChatService s = service(ProxySettings.defaults().withUserIdentity(UserIdentity.IAM));
    ChatOutcome.Answered a = (ChatOutcome.Answered) s.chat(request(false),
        Caller.iam("arn:aws:iam::123456789012:user/alice"), "r");
    assertThat(a.trace().user()).isEqualTo(pseudonyms.pseudonym("arn:aws:iam::123456789012:user/alice"));
  }

  @Test
  void anIdentityModeWithoutThatIdentityIsA401NamingWhatIsMissingAndNoModelIsCalled() {
    ChatOutcome out = service(ProxySettings.defaults().withUserIdentity(UserIdentity.JWT_SUB))
        .chat(request(false), Caller.iam("arn:aws:iam::1:user/x"), "r");
    assertThat(out).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
      assertThat(r.error().refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
      assertThat(r.error().code()).isEqualTo("no_authenticated_user");
      assertThat(r.error().message()).contains("CANARY_USER_IDENTITY is jwt:sub").contains("sub");
    });
    assertThat(calls).isEmpty();
  }

  @Test
  void bodyIdentityNeedsAUserIdInTheBody() {
    ChatOutcome out = service().chat(new ChatApiRequest(null, List.of(new ChatMessage("user", "hi")), null, false),
        Caller.jwt("ignored-in-body-mode"), "r");
    assertThat(((ChatOutcome.Refused) out).error()).satisfies(e -> {
      assertThat(e.refusal()).isEqualTo(Refusal.INVALID_REQUEST);
      assertThat(e.field()).isEqualTo("userId");
    });
  }
}
