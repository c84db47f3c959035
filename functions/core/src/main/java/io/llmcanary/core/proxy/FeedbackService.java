package io.llmcanary.core.proxy;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.feedback.TokenCheck;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.FeedbackLedger;
import io.llmcanary.core.ports.MetricsSink;
import java.time.Clock;
import java.time.Instant;

/**
 * The request path of {@code POST /feedback}: find the user (authenticated identity or body, {@link UserIdentity}),
 * verify the token {@code /chat} issued to that user, hold the user to the hourly cap, take the answer's feedback
 * once across all containers ({@link FeedbackLedger}), then record the score as a Quality observation of the version
 * that served that request, in the rollout now running.
 *
 * <p>Every refusal is counted with its reason ({@link ProxyCounters#feedbackRefused}) and answered with a 4xx that
 * names it. The cap is asked before the once-only check: a replayed token spends its presenter's own cap, and a
 * feedback refused for the cap leaves its token usable in the next hour. When the ledger cannot be asked the
 * feedback is refused (503), never let through uncounted.
 */
public final class FeedbackService {

  /** Refusal reasons beyond the token's own ({@link TokenCheck.Reason#code()}), as counted and answered. */
  public static final String OVER_CAP = "feedback_rate_limited";
  public static final String ALREADY_USED = "duplicate_feedback";
  public static final String LEDGER_UNAVAILABLE = "feedback_store_unavailable";

  private final SnapshotConfigSource config;
  private final FeedbackTokens tokens;
  private final UserPseudonymizer pseudonyms;
  private final FeedbackLedger ledger;
  private final MetricsSink metrics;
  private final ProxyCounters counters;
  private final ProxySettings settings;
  private final Clock clock;

  public FeedbackService(SnapshotConfigSource config, FeedbackTokens tokens, UserPseudonymizer pseudonyms,
      FeedbackLedger ledger, MetricsSink metrics, ProxyCounters counters, ProxySettings settings, Clock clock) {
    this.config = config;
    this.tokens = tokens;
    this.pseudonyms = pseudonyms;
    this.ledger = ledger;
    this.metrics = metrics;
    this.counters = counters;
    this.settings = settings;
    this.clock = clock;
  }

  /** A feedback without an authenticated caller (body identity). */
  public FeedbackOutcome feedback(FeedbackApiRequest request, String requestId) {
    return feedback(request, Caller.NONE, requestId);
  }

  public FeedbackOutcome feedback(FeedbackApiRequest request, Caller caller, String requestId) {
    Instant now = clock.instant();
    RolloutConfig c = config.snapshot().config();
    Validated<String> who = settings.userIdentity().user(caller, request.userId(), "feedback");
    if (who instanceof Validated.Invalid<String> bad) {
      return refused(bad.error(), requestId, c, null, null, now);
    }
    String userId = ((Validated.Ok<String>) who).value();
    String user = pseudonyms.pseudonym(userId);
    if (c == null) {
      return refused(new ApiError(Refusal.NO_CONFIG, "config_unavailable",
          "the service has no rollout config, so feedback cannot be attributed to a rollout", null), requestId, null,
          null, user, now);
    }
    TokenCheck check = tokens.verify(request.feedbackToken(), c.application(), c.rolloutId(),
        pseudonyms.candidates(userId), now);
    if (check instanceof TokenCheck.Refused r) {
      return refused(new ApiError(r.reason().refusal(), r.reason().code(), r.message(), "feedbackToken"), requestId, c,
          null, user, now);
    }
    FeedbackToken t = ((TokenCheck.Valid) check).token();
    long hour = Math.floorDiv(now.getEpochSecond(), 3600);
    try {
      int cap = settings.feedbackPerUserPerHour();
      if (!ledger.countWithinCap(c.application(), c.rolloutId(), user, hour, cap,
          Instant.ofEpochSecond((hour + 2) * 3600))) {
        long retryIn = (hour + 1) * 3600 - now.getEpochSecond();
        return refused(new ApiError(Refusal.OVER_CAP, OVER_CAP, "at most " + cap + " feedbacks per user per hour are taken; "
            + "this one can be sent again in " + Math.max(1, (retryIn + 59) / 60) + " min", null), requestId, c, t,
            user, now);
      }
      Instant tokenDies = Instant.ofEpochSecond(t.issuedAtEpochSecond()).plus(tokens.ttl()).plusSeconds(3600);
      if (!ledger.firstUse(c.application(), c.rolloutId(), t.requestId(), tokenDies)) {
        return refused(new ApiError(Refusal.ALREADY_RECORDED, ALREADY_USED, "feedback for this answer was already recorded; "
            + "each answer is rated once", "feedbackToken"), requestId, c, t, user, now);
      }
    } catch (FeedbackLedger.Unavailable e) {
      return refused(new ApiError(Refusal.STORE_UNAVAILABLE, LEDGER_UNAVAILABLE,
          "feedback cannot be checked against what was already taken right now; send it again in a minute", null),
          requestId, c, t, user, now);
    }
    metrics.record(RequestMetrics.feedback(t.application(), t.rolloutId(), t.version(), t.requestId(),
        now.toEpochMilli(), request.score()));
    return new FeedbackOutcome.Recorded(t.requestId(), t.version(), request.score(),
        trace(requestId, c, t, user, null));
  }

  private FeedbackOutcome refused(ApiError error, String requestId, RolloutConfig c, FeedbackToken t, String user,
      Instant now) {
    counters.feedbackRefused(c == null ? null : c.application(), c == null ? null : c.rolloutId(), requestId,
        error.code(), user, now.toEpochMilli());
    return new FeedbackOutcome.Refused(error, trace(requestId, c, t, user, error.refusal()));
  }

  private static RequestTrace trace(String requestId, RolloutConfig c, FeedbackToken t, String user,
      Refusal refusal) {
    RequestTrace.Serving serving = c == null ? null
        : new RequestTrace.Serving(c.application(), c.rolloutId(), t == null ? null : t.version(), null);
    return new RequestTrace("feedback", requestId, user, serving, null, t == null ? null : t.requestId(), refusal);
  }
}
