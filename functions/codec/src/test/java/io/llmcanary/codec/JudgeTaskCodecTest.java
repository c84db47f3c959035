package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.qualityjudge.JudgeTask;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeTaskCodecTest {

  @Test
  void aTaskWithoutAStableSpecReadsBackTheSame() {
    JudgeTask t = new JudgeTask("req-1", "chat", "r-1", Variant.STABLE,
        new QualityJudgeConfig("absolute", 0.5, 100, null, "Custom rubric."),
        List.of(new ChatMessage("user", "Say \"hi\"\nplease")), "hi", null);
    assertThat(JudgeTaskCodec.read(JudgeTaskCodec.write(t))).isEqualTo(t);
  }

  @Test
  void anUnreadableBodyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> JudgeTaskCodec.read("{\"requestId\":\"r\",\"answer\":\"private words\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("private words"));
    assertThatThrownBy(() -> JudgeTaskCodec.read("not json")).isInstanceOf(IllegalArgumentException.class);
  }
}
