package io.llmcanary.core.proxy;

import io.llmcanary.core.ports.ChatModel;
import java.util.Map;
import java.util.Optional;

/**
 * The chat models a proxy can call, by provider name ({@code bedrock}, {@code openai}, {@code offline}). Built once
 * per container; a version naming a provider that is not set up here fails as a model error of that version.
 */
public record ChatModels(Map<String, ChatModel> byProvider) {

  public ChatModels {
    byProvider = Map.copyOf(byProvider);
  }

  public Optional<ChatModel> forProvider(String provider) {
    return Optional.ofNullable(byProvider.get(provider));
  }
}
