package io.llmcanary.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Variant;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.metrics.RequestMetrics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordedMetricsTest {

  static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

  static RequestMetrics request(long secondsAfter, Variant v, boolean error) {
    return new RequestMetrics("app", "r1", v, "q" + secondsAfter, "m", "stop",
        T0.plusSeconds(secondsAfter).toEpochMilli(), error, 100 + secondsAfter, 1, 1, 0.01, null);
  }

  @Test
  void aWindowHoldsTheRequestsFromItsStartUpToButNotIncludingItsEnd() {
    RecordedMetrics m = new RecordedMetrics();
    for (long s = 0; s <= 600; s += 60) {
      m.record(request(s, Variant.CANARY, false));
    }
    JudgeInput in = m.fetch("app", "r1", T0.plusSeconds(60), T0.plusSeconds(300));
    assertThat(in.stage().canary().requests()).isEqualTo(4); // 60, 120, 180, 240
  }

  @Test
  void aRecordThatArrivesLateIsCountedInTheWindowOfItsTimestamp() {
    RecordedMetrics m = new RecordedMetrics();
    m.record(request(300, Variant.CANARY, false));
    m.record(request(400, Variant.STABLE, false));
    assertThat(m.fetch("app", "r1", T0, T0.plusSeconds(500)).stage().canary().requests()).isEqualTo(1);
    m.record(request(100, Variant.CANARY, true)); // a container's line that came in after later ones
    JudgeInput in = m.fetch("app", "r1", T0, T0.plusSeconds(500));
    assertThat(in.stage().canary().requests()).isEqualTo(2);
    assertThat(in.stage().canary().errors()).isEqualTo(1);
    assertThat(m.fetch("app", "r1", T0, T0.plusSeconds(200)).stage().canary().requests()).isEqualTo(1);
  }

  @Test
  void otherRolloutsAndVersionsAreNotCounted() {
    RecordedMetrics m = new RecordedMetrics();
    m.record(request(10, Variant.STABLE, false));
    m.record(new RequestMetrics("app", "r2", Variant.CANARY, "x", "m", "stop", T0.plusSeconds(20).toEpochMilli(),
        false, 1, 1, 1, 0.01, null));
    JudgeInput in = m.fetch("app", "r1", T0, T0.plusSeconds(60));
    assertThat(in.stage().canary().requests()).isZero();
    assertThat(in.stage().stable().requests()).isEqualTo(1);
  }
}
