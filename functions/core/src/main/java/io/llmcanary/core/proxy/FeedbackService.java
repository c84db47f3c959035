package io.llmcanary.core.proxy;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.feedback.TokenCheck;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.MetricsSink;
import java.time.Clock;
import java.time.Instant;

/**
 * The request path of {@code POST /feedback}: verify the token {@code /chat} issued, then record the score as a
 * Quality observation of the version that served that request, in the rollout now running.
 */
public final class FeedbackService {

  private final SnapshotConfigSource config;
  private final FeedbackTokens tokens;
  private final MetricsSink metrics;
  private final RecentIds recent;
  private final Clock clock;

  public FeedbackService(SnapshotConfigSource config, FeedbackTokens tokens, MetricsSink metrics, ProxySettings settings,
      Clock clock) {
    this.config = config;
    this.tokens = tokens;
    this.metrics = metrics;
    this.recent = new RecentIds(settings.feedbackDedupe());
    this.clock = clock;
  }

  public FeedbackOutcome feedback(FeedbackApiRequest request, String requestId) {
    Instant now = clock.instant();
    RolloutConfig c = config.snapshot().config();
    if (c == null) {
      return refused(new ApiError(503, "config_unavailable",
          "the service has no rollout config, so feedback cannot be attributed to a rollout", null), requestId, null, null);
    }
    TokenCheck check = tokens.verify(request.feedbackToken(), c.application(), c.rolloutId(), now);
    if (check instanceof TokenCheck.Refused r) {
      return refused(new ApiError(r.reason().status(), r.reason().code(), r.message(), "feedbackToken"), requestId, c,
          null);
    }
    FeedbackToken t = ((TokenCheck.Valid) check).token();
    if (!recent.firstTime(t.requestId())) {
      return refused(new ApiError(409, "duplicate_feedback", "feedback for this answer was already recorded",
          "feedbackToken"), requestId, c, t);
    }
    metrics.record(RequestMetrics.feedback(t.application(), t.rolloutId(), t.version(), t.requestId(),
        now.toEpochMilli(), request.score()));
    return new FeedbackOutcome.Recorded(t.requestId(), t.version(), request.score(),
        trace(requestId, c, t, 200));
  }

  private static FeedbackOutcome refused(ApiError error, String requestId, RolloutConfig c, FeedbackToken t) {
    return new FeedbackOutcome.Refused(error, trace(requestId, c, t, error.status()));
  }

  private static RequestTrace trace(String requestId, RolloutConfig c, FeedbackToken t, int status) {
    return new RequestTrace("feedback", requestId, null, c == null ? null : c.application(),
        c == null ? null : c.rolloutId(), t == null ? null : t.version(), null, null, Double.NaN, null, null, false,
        null, t == null ? null : t.requestId(), status);
  }
}
