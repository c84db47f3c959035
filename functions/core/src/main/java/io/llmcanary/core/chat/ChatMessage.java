package io.llmcanary.core.chat;

/** One turn of a conversation: role {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) {}
