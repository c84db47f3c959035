package io.llmcanary.core.feedback;

import io.llmcanary.core.config.Variant;

/**
 * What a feedback token vouches for: this request was served by this version of this rollout at this time, to
 * this user. Carries no user id, prompt or answer: the user appears as the keyed pseudonym the logs use.
 *
 * @param issuedAtEpochSecond when {@code /chat} answered, seconds since the epoch
 * @param userKey             the pseudonym of the user the answer was given to ({@code UserPseudonymizer}); the
 *                            token is refused when another user presents it
 */
public record FeedbackToken(
    String requestId, String application, String rolloutId, Variant version, long issuedAtEpochSecond,
    String userKey) {}
