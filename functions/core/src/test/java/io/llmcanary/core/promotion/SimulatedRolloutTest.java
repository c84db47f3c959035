package io.llmcanary.core.promotion;

import static io.llmcanary.core.promotion.PromotionFixture.APP;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.InProcessWorkflow.Execution;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a simulator drives the promotion workflow (the hook the rollout simulator of {@code canaryctl demo} uses):
 * a simulated clock ticks every 15 minutes, the simulator's traffic answers the workflow's metrics query, the
 * real judge decides at each gate, and a simulated operator approves whatever waits. Here the traffic is a
 * deterministic stand-in: an identical canary at 100 requests a minute.
 */
class SimulatedRolloutTest {

  private final PromotionFixture f = new PromotionFixture();

  /** Everything since the stage began, for a canary identical to stable: counts grow with time and share. */
  private MetricsQuery identicalTraffic() {
    return (app, id, from, to) -> {
      double share = f.store.get(app, id).orElseThrow().canaryPercent() / 100.0;
      long minutes = Duration.between(from, to).toMinutes();
      VersionStats stable = stats(Math.round(100 * minutes * (1 - share)), minutes);
      VersionStats canary = stats(Math.round(100 * minutes * share), minutes);
      WindowStats stage = new WindowStats(from, to, stable, canary);
      return new JudgeInput(stage, stage);
    };
  }

  private static VersionStats stats(long requests, long minutes) {
    long quality = Math.round(requests * 0.3);
    List<Double> p95 = new ArrayList<>();
    for (long m = 0; m < minutes; m += 5) {
      p95.add(1_900.0 + (m / 5 % 7) * 10);
    }
    return new VersionStats(requests, Math.round(requests * 0.01), requests * 0.004, quality, quality * 0.85,
        1_930, p95);
  }

  @Test
  void anIdenticalCanaryIsPromotedThroughTheSameActionsTheStateMachineRuns() {
    PromotionPorts ports = new PromotionPorts(f.store, f.configs, identicalTraffic(), new SequentialJudge(), f.alerts,
        f.tasks, null, null, f.clock);
    InProcessWorkflow wf = new InProcessWorkflow(ports, ApprovalChannels.LOCAL, InProcessWorkflow.Settings.DEFAULTS);
    assertThat(wf.start(f.startRequest("sim")).applied()).isTrue();
    Instant started = f.clock.instant();

    List<String> approvals = new ArrayList<>();
    for (int check = 0; check < 4 * 24 * 8 && !wf.execution(APP, "sim").orElseThrow().ended(); check++) {
      f.clock.advance(Duration.ofMinutes(15)); // the simulator's traffic for 15 minutes happens here
      Execution e = wf.advance(APP, "sim");
      if (e.awaitingDecision()) {
        approvals.add(Duration.between(started, f.clock.instant()).toHours() + "h "
            + e.last().outcome());
        assertThat(wf.decide(new Decide(APP, "sim", "approve", "simulated-operator", "auto-approved")).applied()).isTrue();
      }
    }

    assertThat(f.state("sim").status()).isEqualTo(RolloutStatus.PROMOTED);
    // Each stage ends with a healthy gate after whole days (at 5% the first day may be too little evidence:
    // the gate is then INCONCLUSIVE and the stage waits another day, as the state machine does).
    assertThat(approvals).hasSize(3).allSatisfy(a -> {
      assertThat(a).endsWith(" HEALTHY");
      assertThat(Long.parseLong(a.substring(0, a.indexOf('h'))) % 24).isZero();
    });
    assertThat(f.store.history(APP, "sim")).filteredOn(ev -> ev.type().equals("GATE"))
        .allSatisfy(ev -> assertThat(ev.reason()).doesNotStartWith("REGRESSION"));
    assertThat(f.configs.deployedConfig().versions()).containsOnlyKeys("stable");
  }
}
