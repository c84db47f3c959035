package io.llmcanary.core.chat;

/**
 * A model's answer with the provider's token counts.
 *
 * @param finishReason normalised: {@code stop}, {@code max_tokens}, {@code content_filter} or {@code other}
 */
public record ChatResult(String text, long inputTokens, long outputTokens, String finishReason) {}
