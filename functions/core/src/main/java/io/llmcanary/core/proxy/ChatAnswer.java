package io.llmcanary.core.proxy;

import io.llmcanary.core.config.Variant;

/**
 * A {@code /chat} answer as the client gets it.
 *
 * @param feedbackToken null when the answer cannot be rated: served without config, or by a fallback to stable
 * @param cost          USD, from the rollout config's pricing (0 when the model has no price)
 */
public record ChatAnswer(String answer, Variant version, String requestId, String feedbackToken, long inputTokens,
    long outputTokens, double cost, boolean fallback) {}
