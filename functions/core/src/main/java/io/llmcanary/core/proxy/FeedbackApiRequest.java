package io.llmcanary.core.proxy;

/**
 * A validated {@code POST /feedback} body.
 *
 * @param score  quality in [0, 1]; {@code "up"} is 1 and {@code "down"} is 0
 * @param userId the body's {@code userId}, or null; used only with {@code CANARY_USER_IDENTITY=body}
 */
public record FeedbackApiRequest(String feedbackToken, double score, String userId) {

  public FeedbackApiRequest(String feedbackToken, double score) {
    this(feedbackToken, score, null);
  }
}
