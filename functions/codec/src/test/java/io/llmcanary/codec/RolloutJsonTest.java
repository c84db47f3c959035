package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.StagePlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutJsonTest {

  @Test
  void aRolloutReadsTheSameFieldsInTheSameOrderWhereverItIsShown() {
    Instant t0 = Instant.parse("2026-11-26T09:00:00Z");
    Map<String, Object> m = RolloutJson.summary(RolloutState.start("support-chat", "r1", StagePlan.DEFAULT, t0, null));
    assertThat(m.keySet()).containsExactly("application", "rolloutId", "status", "ended", "description", "stage",
        "stages", "canaryPercent", "startedAt", "stageStartedAt", "updatedAt");
    assertThat(m).containsEntry("application", "support-chat").containsEntry("rolloutId", "r1")
        .containsEntry("stage", 1).containsEntry("ended", false).containsEntry("startedAt", t0.toString());
    assertThat(m.get("stages")).isEqualTo(StagePlan.DEFAULT.percents());
    assertThat(List.of(m.get("status"), m.get("canaryPercent"))).doesNotContainNull();
    m.put("reason", "callers add their own fields");
    assertThat(m).containsKey("reason");
  }
}
