package io.llmcanary.core.quality;

import io.llmcanary.core.chat.ChatResult;
import java.util.List;
import java.util.Locale;

/**
 * Cheap automatic checks on each answer: empty, refusal, cut off by max tokens, invalid JSON when JSON was asked
 * for. They run on every request inside the proxy's 1 ms budget, so they look at finish reasons and at most the
 * first {@value #REFUSAL_WINDOW} characters for refusal phrases; the JSON check is the injected {@link JsonValidity}
 * (the codec module's streaming parse, only when JSON was asked for).
 *
 * <p>The refusal phrases are English; an answer in another language is only caught through the provider's
 * content-filter finish reason.
 */
public final class AnswerQuality {

  /** How much of the answer's start is searched for a refusal phrase: refusals open the answer. */
  static final int REFUSAL_WINDOW = 200;

  private static final List<String> REFUSAL_PHRASES = List.of(
      "i can't help", "i cannot help", "i can't assist", "i cannot assist",
      "i can't provide", "i cannot provide", "i can't comply", "i cannot comply",
      "i won't be able to", "i'm unable to", "i am unable to", "i'm not able to help", "i am not able to help",
      "i must decline", "i'm sorry, but i can", "i am sorry, but i can", "sorry, but i can't",
      "as an ai language model, i can");

  private final JsonValidity json;

  public AnswerQuality(JsonValidity json) {
    this.json = java.util.Objects.requireNonNull(json, "json");
  }

  public AnswerCheck check(ChatResult result, boolean jsonRequested) {
    String finish = result.finishReason();
    if ("content_filter".equals(finish)) {
      return AnswerCheck.REFUSAL;
    }
    String text = result.text();
    if (text == null || text.isBlank()) {
      return AnswerCheck.EMPTY;
    }
    if ("max_tokens".equals(finish)) {
      return AnswerCheck.TRUNCATED;
    }
    if (jsonRequested && !json.isValid(text)) {
      return AnswerCheck.INVALID_JSON;
    }
    if (isRefusal(text)) {
      return AnswerCheck.REFUSAL;
    }
    return AnswerCheck.PASSED;
  }

  static boolean isRefusal(String text) {
    int start = 0;
    while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    String head = text.substring(start, Math.min(text.length(), start + REFUSAL_WINDOW))
        .replace('\u2019', '\'')
        .toLowerCase(Locale.ROOT);
    for (String phrase : REFUSAL_PHRASES) {
      if (head.contains(phrase)) {
        return true;
      }
    }
    return false;
  }
}
