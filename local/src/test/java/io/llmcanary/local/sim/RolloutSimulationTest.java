package io.llmcanary.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.judge.NaiveSeedPolicy;
import io.llmcanary.core.judge.SequentialJudge;
import org.junit.jupiter.api.Test;

class RolloutSimulationTest {

  @Test
  void theSameSeedGivesTheSameRollout() {
    SimulationSettings s = SimulationSettings.of(Scenario.QUALITY_20, 100, 1000);
    SimulationResult a = new RolloutSimulation(s, new SequentialJudge(), true).run(11);
    SimulationResult b = new RolloutSimulation(s, new SequentialJudge(), true).run(11);
    assertThat(a).isEqualTo(b);
  }

  @Test
  void aHealthyCanaryClimbsEveryStageAndIsPromoted() {
    SimulationResult r = new RolloutSimulation(SimulationSettings.of(Scenario.HEALTHY, 100, 10_000),
        new SequentialJudge(), true).run(7);
    assertThat(r.outcome()).isEqualTo("PROMOTED");
    assertThat(r.timeline()).extracting(TimelineEvent::kind).contains("STARTED", "GATE", "APPROVED", "PROMOTED");
    assertThat(r.timeline()).filteredOn(e -> e.kind().equals("APPROVED")).extracting(TimelineEvent::percent)
        .containsExactly(25.0, 50.0);
    assertThat(r.checks()).isGreaterThanOrEqualTo(3 * 96);
    // The promotion actions ran: each passing gate asked a person (an alert), and the promotion was announced.
    assertThat(r.timeline()).filteredOn(e -> e.kind().equals("ALERT")).extracting(TimelineEvent::text)
        .anySatisfy(t -> assertThat(t).startsWith("APPROVAL_NEEDED"))
        .anySatisfy(t -> assertThat(t).startsWith("PROMOTED"));
  }

  @Test
  void aBrokenCanaryIsRolledBackAtTheFirstCheck() {
    SimulationResult r = new RolloutSimulation(SimulationSettings.of(Scenario.BROKEN, 100, 10_000),
        new SequentialJudge(), true).run(3);
    assertThat(r.outcome()).isEqualTo("ROLLED_BACK");
    assertThat(r.rollbackCheck()).isEqualTo(1);
    // The health check's rollback ran: the ROLLED_BACK transition with its table, then the page.
    TimelineEvent rollback = r.timeline().stream().filter(e -> e.kind().equals("ROLLED_BACK")).findFirst().orElseThrow();
    assertThat(rollback.table()).contains("error_rate");
    assertThat(r.timeline().get(r.timeline().size() - 1).text()).startsWith("ROLLBACK").contains("error_rate");
  }

  @Test
  void theNaiveRuleRollsBackMostIdenticalCanariesWhileTheJudgeDoesNot() {
    SimulationSettings s = SimulationSettings.of(Scenario.AA, 100, 10_000);
    TrialSummary naive = TrialRunner.run(new NaiveSeedPolicy(), Scenario.AA, s, 20, 100, i -> { });
    TrialSummary judge = TrialRunner.run(new SequentialJudge(), Scenario.AA, s, 20, 100, i -> { });
    assertThat(naive.falseRollbackRate()).isGreaterThan(0.5);
    assertThat(judge.falseRollbackRate()).isLessThanOrEqualTo(0.05);
    assertThat(judge.detectionRate()).isNaN();
  }
}
