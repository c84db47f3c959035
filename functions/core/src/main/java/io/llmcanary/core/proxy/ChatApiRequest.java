package io.llmcanary.core.proxy;

import io.llmcanary.core.chat.ChatMessage;
import java.util.List;

/**
 * A validated {@code POST /chat} body.
 *
 * @param conversationId optional, the client's conversation id (not logged: it may identify a person)
 * @param jsonResponse   the client asked for a JSON answer ({@code responseFormat})
 */
public record ChatApiRequest(String userId, List<ChatMessage> messages, String conversationId, boolean jsonResponse) {

  public ChatApiRequest {
    messages = List.copyOf(messages);
  }
}
