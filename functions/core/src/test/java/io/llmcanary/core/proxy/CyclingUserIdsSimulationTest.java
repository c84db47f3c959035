package io.llmcanary.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.embedded.InMemoryFeedbackLedger;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client cycling user ids to drag one version's Quality down (before, ~50 zero ratings rolled a good
 * canary back). In memory, through the real {@link ChatService} and {@link FeedbackService}, two containers sharing
 * one ledger, on a simulated clock; the verdict is the real {@link SequentialJudge}'s on a day at 5% where honest
 * users rate 2% of answers at 0.85 on both versions (canary: 144 ratings, stable: 2,736).
 *
 * <p>What is bounded:
 * <ul>
 *   <li>identity from the JWT: the cycled body ids do nothing. Every request is the caller's {@code sub}, so every
 *       answer comes from the one version that {@code sub} is assigned to, and that caller's feedback is capped at
 *       {@code CANARY_FEEDBACK_PER_USER_PER_HOUR} whatever ids the body names (the same count as with one id);
 *   <li>identity from the body: each cycled id is a user of its own, so the cap per user does not bind; what does is
 *       that a rating needs an answer actually served to that id (a model call, counted in Requests), counts once
 *       across containers, and cannot be turned to the other version. With the version hidden the client cannot
 *       tell which answers are canary's, so a blind attack lowers both versions alike and the ratio the judge
 *       tests hardly moves.
 * </ul>
 */
class CyclingUserIdsSimulationTest {

  static final String SECRET = "test-secret-test-secret-test-secret-0001";
  static final Instant STAGE_START = Instant.parse("2026-11-26T00:00:00Z");

  final MutableClock clock = new MutableClock(STAGE_START);
  final ProxyKeys keys = ProxyKeys.derive(SECRET, null);
  final FeedbackTokens tokens = new FeedbackTokens(keys.feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
  final UserPseudonymizer pseudonyms = new UserPseudonymizer(keys.pseudonymKey());
  final FixedConfigSource config = new FixedConfigSource(Fixtures.config(5, false));
  final InMemoryFeedbackLedger ledger = new InMemoryFeedbackLedger(clock);
  final List<RequestMetrics> accepted = new ArrayList<>();
  final SequentialJudge judge = new SequentialJudge();

  /** What the attack got through. */
  record Attack(long answers, long canaryAnswers, long canaryZeros, long stableZeros, long refusedReplays) {}

  /**
   * {@code hours} of {@code perHour} chat requests, each with a fresh body id (when {@code cycle}), each answer
   * rated 0 on container A and replayed on container B; {@code onlyCanary}: rate only the answers the client knows
   * to be canary's (possible only if the version were exposed).
   */
  Attack attack(UserIdentity mode, Caller caller, int hours, int perHour, boolean cycle, boolean onlyCanary) {
    ProxySettings settings = ProxySettings.defaults().withUserIdentity(mode);
    ChatService chat = new ChatService(config,
        new ChatModels(Map.of("fake", r -> new ChatResult("An answer.", 3, 4, "stop"))), m -> { },
        ProxyCounters.NONE, tokens, pseudonyms, settings, clock, System::nanoTime, Fixtures.JSON);
    FeedbackService a = new FeedbackService(config, tokens, pseudonyms, ledger, accepted::add, ProxyCounters.NONE,
        settings, clock);
    FeedbackService b = new FeedbackService(config, tokens, pseudonyms, ledger, accepted::add, ProxyCounters.NONE,
        settings, clock);
    long answers = 0;
    long canaryAnswers = 0;
    long refusedReplays = 0;
    int n = 0;
    for (int h = 0; h < hours; h++) {
      for (int i = 0; i < perHour; i++) {
        String id = cycle ? "cycled-" + n : "one-id";
        String requestId = "req-" + n++;
        ChatOutcome out = chat.chat(new ChatApiRequest(id, List.of(new ChatMessage("user", "hi")), null, false),
            caller, requestId);
        ChatAnswer answer = ((ChatOutcome.Answered) out).answer();
        answers++;
        canaryAnswers += answer.version() == Variant.CANARY ? 1 : 0;
        if (onlyCanary && answer.version() != Variant.CANARY) {
          continue;
        }
        FeedbackApiRequest zero = new FeedbackApiRequest(answer.feedbackToken(), 0.0, id);
        a.feedback(zero, caller, "fb-a-" + requestId);
        if (b.feedback(zero, caller, "fb-b-" + requestId) instanceof FeedbackOutcome.Refused) {
          refusedReplays++;
        }
        clock.advance(Duration.ofHours(1).dividedBy(perHour));
      }
    }
    long canaryZeros = accepted.stream().filter(m -> m.version() == Variant.CANARY).count();
    return new Attack(answers, canaryAnswers, canaryZeros, accepted.size() - canaryZeros, refusedReplays);
  }

  // --- the verdict, honest traffic plus what the attack got through ------------------------------------------------

  static VersionStats version(long requests, long ratings, double qualitySum) {
    return new VersionStats(requests, requests / 100, 0.004 * requests, ratings, qualitySum, 2000,
        java.util.Collections.nCopies(288, 2000.0));
  }

  Verdict verdict(Attack attack) {
    long zc = attack == null ? 0 : attack.canaryZeros();
    long zs = attack == null ? 0 : attack.stableZeros();
    long ac = attack == null ? 0 : attack.canaryAnswers();
    long as = attack == null ? 0 : attack.answers() - attack.canaryAnswers();
    VersionStats stable = version(136_800 + as, 2736 + zs, 2736 * 0.85);
    VersionStats canary = version(7_200 + ac, 144 + zc, 144 * 0.85);
    VersionStats hs = version((136_800 + as) / 24, (2736 + zs) / 24, (2736 * 0.85) / 24);
    VersionStats hc = version((7_200 + ac) / 24, (144 + zc) / 24, (144 * 0.85) / 24);
    Instant end = STAGE_START.plus(Duration.ofHours(24));
    return judge.rollbackCheck(new JudgeInput(new WindowStats(STAGE_START, end, stable, canary),
        new WindowStats(end.minus(Duration.ofHours(1)), end, hs, hc)), Guardrails.defaults());
  }

  static Outcome quality(Verdict v) {
    return v.rows().stream().filter(r -> r.metric() == io.llmcanary.core.judge.Metric.QUALITY).map(MetricRow::result).findFirst()
        .orElseThrow();
  }

  @Test
  void withJwtIdentityCycledBodyIdsDoNothingTheCallersFeedbackIsCappedOnItsOneVersion() {
    int cap = ProxySettings.DEFAULT_FEEDBACK_PER_USER_PER_HOUR;
    Attack cycled = attack(UserIdentity.JWT_SUB, Caller.jwt("mallory"), 3, 200, true, false);
    List<RequestMetrics> cycledAccepted = List.copyOf(accepted);
    accepted.clear();
    Attack oneId = new CyclingUserIdsSimulationTest()
        .attack(UserIdentity.JWT_SUB, Caller.jwt("mallory"), 3, 200, false, false);

    // all 600 answers from the version mallory's sub is assigned to, not spread by the cycled ids
    assertThat(cycled.canaryAnswers()).isIn(0L, 600L);
    // at most the cap per hour (replays spend the presenter's own cap, so here half of it is spent on them)
    assertThat(cycledAccepted).isNotEmpty().hasSizeLessThanOrEqualTo(3 * cap);
    assertThat(cycled.canaryZeros() + cycled.stableZeros()).isEqualTo(cycledAccepted.size());
    assertThat(cycled.canaryZeros() == 0 || cycled.stableZeros() == 0).isTrue();
    assertThat(cycled.refusedReplays()).isEqualTo(600);
    // cycling ids got exactly what one id gets
    assertThat(cycled).isEqualTo(oneId);
  }

  @Test
  void withBodyIdentityABlindAttackOfTwentyThousandCycledIdsDoesNotMoveTheVerdict() {
    Verdict honest = verdict(null);
    Attack a = attack(UserIdentity.BODY, Caller.NONE, 24, 20_000 / 24, true, false);

    assertThat(a.refusedReplays()).isEqualTo(a.answers()); // every replay on the other container refused
    assertThat(a.canaryZeros() + a.stableZeros()).isEqualTo(a.answers()); // at most one rating per answer served
    double canaryShare = (double) a.canaryZeros() / a.answers();
    assertThat(canaryShare).isBetween(0.03, 0.07); // the assignment's 5%, not the attacker's choice

    Verdict attacked = verdict(a);
    System.out.printf("blind attack: %d answers, %d zeros on canary, %d on stable; avg_quality %s -> %s, verdict %s -> %s%n",
        a.answers(), a.canaryZeros(), a.stableZeros(), quality(honest), quality(attacked), honest.outcome(),
        attacked.outcome());
    assertThat(quality(attacked)).isNotEqualTo(Outcome.REGRESSION);
    assertThat(attacked.outcome()).isEqualTo(honest.outcome());
  }

  @Test
  void theSameAttackAimedAtCanaryAnswersWouldRollBackWhichIsWhyTheVersionIsHidden() {
    // The client could aim only if it knew which answers are canary's: CANARY_EXPOSE_VERSION on, or the old
    // token payload. This is the attack the hidden version takes away, shown so the test above means something.
    Attack aimed = attack(UserIdentity.BODY, Caller.NONE, 24, 20_000 / 24, true, true);
    assertThat(aimed.stableZeros()).isZero();
    assertThat(quality(verdict(aimed))).isEqualTo(Outcome.REGRESSION);
  }

  @Test
  void printsHowLongOneJwtIdentityOnCanaryMustRateAtTheCapToMoveTheVerdict() {
    // A figure, not an assertion on time: hours of zero ratings at the cap from one identity that landed on canary.
    Outcome honest = quality(verdict(null));
    int cap = ProxySettings.DEFAULT_FEEDBACK_PER_USER_PER_HOUR;
    int hours = 0;
    while (hours < 48 && quality(verdict(new Attack(0, 0, (long) cap * (hours + 1), 0, 0))) == honest) {
      hours++;
    }
    System.out.printf("one identity on canary at %d feedbacks/h: avg_quality stays %s for %d h (%d zero ratings "
        + "against 144 honest ones)%n", cap, honest, hours, hours * cap);
    assertThat(hours).isGreaterThanOrEqualTo(0);
  }

  /** A clock the simulation moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
