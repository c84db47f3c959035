package io.llmcanary.core.proxy;

/**
 * A validated {@code POST /feedback} body.
 *
 * @param score quality in [0, 1]; {@code "up"} is 1 and {@code "down"} is 0
 */
public record FeedbackApiRequest(String feedbackToken, double score) {}
