package io.llmcanary.core.feedback;

import io.llmcanary.core.config.Variant;

/**
 * What a feedback token vouches for: this request was served by this version of this rollout at this time.
 * Carries no user id, prompt or answer.
 *
 * @param issuedAtEpochSecond when {@code /chat} answered, seconds since the epoch
 */
public record FeedbackToken(
    String requestId, String application, String rolloutId, Variant version, long issuedAtEpochSecond) {}
