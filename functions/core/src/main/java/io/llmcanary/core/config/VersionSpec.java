package io.llmcanary.core.config;

import java.util.List;

/**
 * One version of the assistant: everything that can change between stable and canary.
 *
 * @param model        provider model id (Bedrock model id, or the OpenAI-compatible model name)
 * @param provider     which chat-model adapter serves it: {@code bedrock}, {@code openai} or {@code offline}
 * @param systemPrompt the system prompt
 * @param fewShot      example turns placed between the system prompt and the user's messages
 * @param temperature  sampling temperature, 0..2 (0.7 when not given)
 * @param maxTokens    answer cap; an answer cut off by it is scored as a quality failure
 */
public record VersionSpec(
    String model,
    String provider,
    String systemPrompt,
    List<ChatTurn> fewShot,
    Double temperature,
    int maxTokens) {

  public static final String DEFAULT_PROVIDER = "bedrock";
  public static final double DEFAULT_TEMPERATURE = 0.7;

  public VersionSpec {
    fewShot = fewShot == null ? List.of() : List.copyOf(fewShot);
    temperature = temperature == null ? DEFAULT_TEMPERATURE : temperature;
    provider = provider == null || provider.isBlank() ? DEFAULT_PROVIDER : provider;
  }

  /** A few-shot example turn. */
  public record ChatTurn(String role, String content) {}
}
