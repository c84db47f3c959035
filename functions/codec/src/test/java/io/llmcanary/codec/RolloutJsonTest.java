package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
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

  @Test
  void anAuditEventReadsBackAsItWasWrittenWithItsTypedOutcome() throws Exception {
    RolloutState s = RolloutState.start("support-chat", "r1", StagePlan.DEFAULT, Instant.parse("2026-11-26T09:00:00Z"),
        null);
    AuditEvent gate = AuditEvent.judged(s, Instant.parse("2026-11-27T09:00:00Z"), "gate", "GATE", Outcome.HEALTHY,
        "every row within its gate", "Metric  Stable  Canary");
    AuditEvent transition = new AuditEvent("support-chat", "r1", Instant.parse("2026-11-27T09:00:01Z"), "ops",
        "TRANSITION", RolloutStatus.RUNNING, RolloutStatus.AWAITING_APPROVAL, 0, "gate passed", null);
    for (AuditEvent e : List.of(gate, transition)) {
      JsonNode n = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(RolloutJson.event(e)));
      assertThat(RolloutJson.eventFrom("support-chat", "r1", n)).isEqualTo(e);
    }
    assertThat(RolloutJson.event(gate)).containsEntry("outcome", "HEALTHY").containsEntry("stage", 1);
    assertThat(RolloutJson.event(transition)).doesNotContainKeys("outcome", "table");
  }

  @Test
  void anEventThatCannotBeReadNamesTheField() throws Exception {
    JsonNode badTime = Json.MAPPER.readTree("{\"at\":\"yesterday\",\"type\":\"GATE\"}");
    assertThatThrownBy(() -> RolloutJson.eventFrom("a", "r", badTime)).hasMessageContaining("\"at\"");
    JsonNode badOutcome = Json.MAPPER.readTree("{\"at\":\"2026-11-27T09:00:00Z\",\"outcome\":\"FINE\"}");
    assertThatThrownBy(() -> RolloutJson.eventFrom("a", "r", badOutcome)).hasMessageContaining("outcome \"FINE\"");
  }
}
