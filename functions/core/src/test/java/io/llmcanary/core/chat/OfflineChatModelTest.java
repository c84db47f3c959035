package io.llmcanary.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineChatModelTest {

  final OfflineChatModel model = new OfflineChatModel();

  static ChatRequest req(String model, String prompt, String question, boolean json, int maxTokens) {
    return new ChatRequest(new VersionSpec(model, "offline", prompt, List.of(), null, maxTokens),
        List.of(new ChatMessage("user", question)), json, Duration.ofSeconds(5));
  }

  @Test
  void theSameRequestGetsTheSameAnswerAndTokenCounts() {
    ChatResult a = model.complete(req("offline", "You are helpful.", "What is a canary?", false, 1024));
    ChatResult b = new OfflineChatModel().complete(req("offline", "You are helpful.", "What is a canary?", false, 1024));
    assertThat(a).isEqualTo(b);
    assertThat(a.finishReason()).isEqualTo("stop");
    assertThat(a.inputTokens()).isEqualTo((("You are helpful.".length() + "What is a canary?".length()) + 3) / 4);
  }

  @Test
  void anotherSystemPromptOrQuestionGetsAnotherAnswer() {
    ChatResult a = model.complete(req("offline", "You are helpful.", "What is a canary?", false, 1024));
    assertThat(model.complete(req("offline", "You are very helpful.", "What is a canary?", false, 1024)).text())
        .isNotEqualTo(a.text());
    assertThat(model.complete(req("offline", "You are helpful.", "What is a rollout?", false, 1024)).text())
        .isNotEqualTo(a.text());
  }

  @Test
  void aConcisePromptGivesMeasurablyShorterAnswersOnAverage() {
    long normal = 0;
    long concise = 0;
    for (int i = 0; i < 200; i++) {
      normal += model.complete(req("offline", "You are a helpful assistant.", "q" + i, false, 1024)).outputTokens();
      concise += model.complete(req("offline", "You are a concise, helpful assistant.", "q" + i, false, 1024)).outputTokens();
    }
    assertThat((double) concise / normal).isBetween(0.4, 0.6);
  }

  @Test
  void anAnswerLongerThanMaxTokensIsCutOff() {
    ChatResult r = model.complete(req("offline?verbosity=10", "p", "q", false, 20));
    assertThat(r.outputTokens()).isEqualTo(20);
    assertThat(r.finishReason()).isEqualTo("max_tokens");
  }

  @Test
  void jsonAskedGivesValidJsonUnlessTheModelIsToldToBreakIt() {
    assertThat(isJson(model.complete(req("offline", "p", "q", true, 1024)).text())).isTrue();
    assertThat(isJson(model.complete(req("offline?invalidJsonRate=1", "p", "q", true, 1024)).text())).isFalse();
  }

  @Test
  void behaviourInTheModelIdMakesFailuresAndRefusals() {
    assertThatThrownBy(() -> model.complete(req("offline?errorRate=1", "p", "q", false, 100)))
        .isInstanceOfSatisfying(ChatModelException.class, e -> assertThat(e.kind()).isEqualTo(ChatModelException.Kind.ERROR));
    assertThatThrownBy(() -> model.complete(req("offline?timeoutRate=1", "p", "q", false, 100)))
        .isInstanceOfSatisfying(ChatModelException.class, e -> assertThat(e.kind()).isEqualTo(ChatModelException.Kind.TIMEOUT));
    assertThat(model.complete(req("offline?refusalRate=1", "p", "q", false, 100)).text()).startsWith("I'm sorry");
  }

  @Test
  void aRateDrawsTheSameWayForTheSameRequest() {
    int failures = 0;
    for (int i = 0; i < 400; i++) {
      boolean first = fails("offline?errorRate=0.25", "q" + i);
      assertThat(fails("offline?errorRate=0.25", "q" + i)).isEqualTo(first);
      failures += first ? 1 : 0;
    }
    assertThat(failures / 400.0).isBetween(0.18, 0.32);
  }

  private boolean fails(String m, String q) {
    try {
      model.complete(req(m, "p", q, false, 100));
      return false;
    } catch (ChatModelException e) {
      return true;
    }
  }

  @Test
  void simulatedLatencyOverTheTimeoutIsATimeout() {
    ChatRequest r = new ChatRequest(new VersionSpec("offline?latencyMs=5000", "offline", "p", List.of(), null, 10),
        List.of(new ChatMessage("user", "q")), false, Duration.ofMillis(100));
    assertThatThrownBy(() -> model.complete(r)).isInstanceOf(ChatModelException.class);
  }

  private static boolean isJson(String text) {
    try {
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
      return !text.isBlank();
    } catch (Exception e) {
      return false;
    }
  }
}
