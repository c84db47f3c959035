package io.llmcanary.core.ports;

import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;

/** A model provider: Bedrock Converse, an OpenAI-compatible endpoint, or the offline model. */
public interface ChatModel {

  ChatResult complete(ChatRequest request) throws ChatModelException;
}
