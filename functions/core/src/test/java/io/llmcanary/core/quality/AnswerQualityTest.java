package io.llmcanary.core.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.chat.ChatResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerQualityTest {

  private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final AnswerQuality CHECKS = new AnswerQuality(text -> {
    try {
      return !text.isBlank() && STRICT.readTree(text) != null;
    } catch (Exception e) {
      return false;
    }
  });

  private static ChatResult answer(String text, String finish) {
    return new ChatResult(text, 10, 20, finish);
  }

  @Test
  void aPlainAnswerPassesAndCountsNoCheckFailure() {
    AnswerCheck c = CHECKS.check(answer("Canary releases limit the blast radius.", "stop"), false);
    assertThat(c).isEqualTo(AnswerCheck.PASSED);
    assertThat(c.failed()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t "})
  void anEmptyOrBlankAnswerFailsAsEmpty(String text) {
    assertThat(CHECKS.check(answer(text, "stop"), false)).isEqualTo(AnswerCheck.EMPTY);
    assertThat(AnswerCheck.EMPTY.failed()).isTrue();
  }

  @Test
  void aNullAnswerFailsAsEmpty() {
    assertThat(CHECKS.check(answer(null, "stop"), false)).isEqualTo(AnswerCheck.EMPTY);
  }

  @Test
  void anAnswerCutOffByMaxTokensFailsAsTruncated() {
    assertThat(CHECKS.check(answer("Canary releases limit the", "max_tokens"), false))
        .isEqualTo(AnswerCheck.TRUNCATED);
  }

  @Test
  void aContentFilterStopFailsAsRefusalEvenWithText() {
    assertThat(CHECKS.check(answer("partial", "content_filter"), false)).isEqualTo(AnswerCheck.REFUSAL);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "I'm sorry, but I can't help with that.",
      "I cannot help with this request.",
      "  I’m unable to provide that information.",
      "Sorry, but I can't assist with that.",
      "As an AI language model, I cannot do that."})
  void aRefusalPhraseAtTheStartFailsAsRefusal(String text) {
    assertThat(CHECKS.check(answer(text, "stop"), false)).isEqualTo(AnswerCheck.REFUSAL);
  }

  @Test
  void aRefusalPhraseFarIntoALongAnswerIsNotARefusal() {
    String text = "x".repeat(AnswerQuality.REFUSAL_WINDOW + 10) + " I can't help noticing the pattern.";
    assertThat(CHECKS.check(answer(text, "stop"), false)).isEqualTo(AnswerCheck.PASSED);
  }

  @Test
  void invalidJsonFailsOnlyWhenJsonWasAskedFor() {
    ChatResult r = answer("Here you go: {\"a\": 1}", "stop");
    assertThat(CHECKS.check(r, true)).isEqualTo(AnswerCheck.INVALID_JSON);
    assertThat(CHECKS.check(r, false)).isEqualTo(AnswerCheck.PASSED);
  }

  @Test
  void jsonInAMarkdownFenceIsNotJson() {
    assertThat(CHECKS.check(answer("```json\n{\"a\": 1}\n```", "stop"), true)).isEqualTo(AnswerCheck.INVALID_JSON);
  }

  @Test
  void validJsonPassesWhenJsonWasAskedFor() {
    assertThat(CHECKS.check(answer(" {\"answer\": \"yes\", \"n\": [1, 2.5e3, null]}\n", "stop"), true))
        .isEqualTo(AnswerCheck.PASSED);
  }
}
