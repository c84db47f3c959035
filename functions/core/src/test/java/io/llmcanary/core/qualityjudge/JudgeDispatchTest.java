package io.llmcanary.core.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.JudgeHandoff;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgeDispatchTest {

  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  static final List<ChatMessage> CONVERSATION = List.of(new ChatMessage("user", "What is a canary release?"));

  static RolloutConfig config(QualityJudgeConfig q) {
    VersionSpec s = new VersionSpec("m-s", "offline", "You are helpful.", List.of(), 0.7, 256);
    VersionSpec c = new VersionSpec("m-c", "offline", "You are concise.", List.of(), 0.7, 256);
    return new RolloutConfig(1, "chat", "r-1", 5, null, Map.of("stable", s, "canary", c), Map.of(), null, null,
        false, q);
  }

  @Test
  void aSampledAnswerIsHandedOffWithItsIdsVersionConversationAndAnswer() {
    List<JudgeTask> sent = new ArrayList<>();
    JudgeDispatch d = new JudgeDispatch(sent::add);
    JudgeDispatch.Result r = d.offer(config(new QualityJudgeConfig("pairwise", 1.0, 10, null, null)), Variant.CANARY,
        "req-1", CONVERSATION, "An answer.", NOW);
    assertThat(r).isEqualTo(JudgeDispatch.Result.SENT);
    assertThat(sent).singleElement().satisfies(t -> {
      assertThat(t.requestId()).isEqualTo("req-1");
      assertThat(t.version()).isEqualTo(Variant.CANARY);
      assertThat(t.messages()).isEqualTo(CONVERSATION);
      assertThat(t.answer()).isEqualTo("An answer.");
      assertThat(t.stable().model()).isEqualTo("m-s");
    });
  }

  @Test
  void theHourlyCapDropsAndCountsTheRestAndANewHourStartsAfresh() {
    List<JudgeTask> sent = new ArrayList<>();
    JudgeDispatch d = new JudgeDispatch(sent::add);
    RolloutConfig c = config(new QualityJudgeConfig("absolute", 1.0, 3, null, null));
    List<JudgeDispatch.Result> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(d.offer(c, Variant.CANARY, "req-" + i, CONVERSATION, "a", NOW));
    }
    assertThat(results).containsExactly(JudgeDispatch.Result.SENT, JudgeDispatch.Result.SENT,
        JudgeDispatch.Result.SENT, JudgeDispatch.Result.CAPPED, JudgeDispatch.Result.CAPPED);
    assertThat(d.offer(c, Variant.CANARY, "req-9", CONVERSATION, "a", NOW.plusSeconds(3600)))
        .isEqualTo(JudgeDispatch.Result.SENT);
    assertThat(sent).hasSize(4);
  }

  @Test
  void aFailingHandOffIsADroppedSampleNeverAnException() {
    JudgeHandoff down = t -> {
      throw new IllegalStateException("queue unreachable");
    };
    JudgeDispatch d = new JudgeDispatch(down);
    assertThat(d.offer(config(new QualityJudgeConfig("absolute", 1.0, 10, null, null)), Variant.CANARY, "req-1",
        CONVERSATION, "a", NOW)).isEqualTo(JudgeDispatch.Result.FAILED);
  }

  @Test
  void withTheJudgeOffNothingIsHandedOff() {
    List<JudgeTask> sent = new ArrayList<>();
    JudgeDispatch d = new JudgeDispatch(sent::add);
    assertThat(d.offer(config(QualityJudgeConfig.OFF), Variant.CANARY, "req-1", CONVERSATION, "a", NOW))
        .isEqualTo(JudgeDispatch.Result.NOT_SAMPLED);
    assertThat(sent).isEmpty();
  }

  @Test
  void aTaskNeverPrintsItsConversationOrAnswer() {
    JudgeTask t = new JudgeTask("req-1", "chat", "r-1", Variant.CANARY, QualityJudgeConfig.OFF, CONVERSATION,
        "secret answer text", null);
    assertThat(t.toString()).contains("req-1").doesNotContain("canary release").doesNotContain("secret answer");
  }
}
