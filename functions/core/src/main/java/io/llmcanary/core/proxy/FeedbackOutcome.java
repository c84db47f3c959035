package io.llmcanary.core.proxy;

import io.llmcanary.core.config.Variant;

/** What {@link FeedbackService} did with one feedback. */
public sealed interface FeedbackOutcome {

  RequestTrace trace();

  /** Recorded as a Quality observation of {@code version} for request {@code requestId}. */
  record Recorded(String requestId, Variant version, double score, RequestTrace trace) implements FeedbackOutcome {}

  record Refused(ApiError error, RequestTrace trace) implements FeedbackOutcome {}
}
