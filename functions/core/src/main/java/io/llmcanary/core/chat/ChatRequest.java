package io.llmcanary.core.chat;

import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;
import java.util.List;

/**
 * What a chat model is asked: the serving version (model, prompt, parameters) and the user's messages.
 *
 * @param jsonResponse the client asked for a JSON answer
 */
public record ChatRequest(VersionSpec version, List<ChatMessage> messages, boolean jsonResponse, Duration timeout) {

  public ChatRequest {
    messages = List.copyOf(messages);
  }
}
