package io.llmcanary.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayTest {

  static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");
  static final String APP = "app";
  static final String ID = "r1";

  static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static AuditEvent event(int minutes, String type, RolloutStatus from, RolloutStatus to, int stage, String reason) {
    return new AuditEvent(APP, ID, at(minutes), "someone", type, from, to, stage, reason, null);
  }

  static AuditEvent judged(int minutes, String type, RolloutStatus status, int stage, Outcome outcome) {
    return new AuditEvent(APP, ID, at(minutes), "someone", type, status, status, stage, outcome + ": words", null,
        outcome);
  }

  /** A rollout's trail: started, two checks, its gate, approval, a check in stage 2, its rollback. */
  static List<AuditEvent> trail() {
    return List.of(
        event(0, "STARTED", RolloutStatus.RUNNING, RolloutStatus.RUNNING, 0, "started"),
        judged(15, "VERDICT", RolloutStatus.RUNNING, 0, Outcome.INCONCLUSIVE),
        judged(30, "VERDICT", RolloutStatus.RUNNING, 0, Outcome.HEALTHY),
        judged(30, "GATE", RolloutStatus.RUNNING, 0, Outcome.HEALTHY),
        event(30, "TRANSITION", RolloutStatus.RUNNING, RolloutStatus.AWAITING_APPROVAL, 0, "gate passed"),
        judged(40, "VERDICT", RolloutStatus.AWAITING_APPROVAL, 0, Outcome.HEALTHY),
        event(50, "TRANSITION", RolloutStatus.AWAITING_APPROVAL, RolloutStatus.RUNNING, 1, "approved"),
        event(60, "ALERT_SENT", RolloutStatus.RUNNING, RolloutStatus.RUNNING, 1, "alert sent"),
        judged(65, "VERDICT", RolloutStatus.RUNNING, 1, Outcome.REGRESSION),
        event(65, "TRANSITION", RolloutStatus.RUNNING, RolloutStatus.ROLLED_BACK, 1, "health check: worse"));
  }

  @Test
  void theTimelineOfATrailHasEachStageStartAndEveryHealthCheckAndGateInOrder() {
    RolloutTimeline t = RolloutTimeline.fromAudit(APP, ID, trail());

    assertThat(t.stages()).containsExactly(new RolloutTimeline.StageStart(0, at(0)),
        new RolloutTimeline.StageStart(1, at(50)));
    assertThat(t.checks()).extracting(RolloutTimeline.RecordedCheck::at).containsExactly(at(15), at(30), at(30),
        at(40), at(65));
    assertThat(t.checks()).extracting(RolloutTimeline.RecordedCheck::kind).containsExactly(
        Verdict.Kind.ROLLBACK_CHECK, Verdict.Kind.ROLLBACK_CHECK, Verdict.Kind.PROMOTION_GATE,
        Verdict.Kind.ROLLBACK_CHECK, Verdict.Kind.ROLLBACK_CHECK);
    assertThat(t.checks()).extracting(c -> c.recorded().orElse(null)).containsExactly(Outcome.INCONCLUSIVE,
        Outcome.HEALTHY, Outcome.HEALTHY, Outcome.HEALTHY, Outcome.REGRESSION);
    assertThat(t.stageStart(0)).isEqualTo(at(0));
    assertThat(t.stageStart(1)).isEqualTo(at(50));
  }

  @Test
  void aTrailOutOfOrderIsReadInTimeOrder() {
    List<AuditEvent> shuffled = new ArrayList<>(trail());
    java.util.Collections.reverse(shuffled);
    // same-instant events keep their written order, so reversing them changes which comes first at 30 and 65
    RolloutTimeline t = RolloutTimeline.fromAudit(APP, ID, shuffled);
    assertThat(t.stages()).extracting(RolloutTimeline.StageStart::at).containsExactly(at(0), at(50));
    assertThat(t.checks()).hasSize(5);
  }

  @Test
  void aCheckWhoseOutcomeWasNotRecordedReplaysAsNotRecordedWhateverItsReasonSays() {
    RolloutTimeline t = RolloutTimeline.fromAudit(APP, ID, List.of(
        event(0, "STARTED", RolloutStatus.RUNNING, RolloutStatus.RUNNING, 0, "started"),
        event(15, "VERDICT", RolloutStatus.RUNNING, RolloutStatus.RUNNING, 0, "REGRESSION: the words alone")));
    assertThat(t.checks()).singleElement().satisfies(c -> assertThat(c.recorded()).isEmpty());
  }

  @Test
  void aTrailWithoutAStartIsRefusedNamingWhatIsMissing() {
    assertThatThrownBy(() -> RolloutTimeline.fromAudit(APP, ID, List.of(
        judged(15, "VERDICT", RolloutStatus.ROLLED_BACK, 0, Outcome.HEALTHY))))
        .hasMessageContaining("no start of a stage");
  }

  @Test
  void aScheduleWithoutATrailChecksEveryIntervalAsOneStage() {
    RolloutTimeline t = RolloutTimeline.every(APP, ID, at(0), at(60), Duration.ofMinutes(15));
    assertThat(t.checks()).extracting(RolloutTimeline.RecordedCheck::at).containsExactly(at(15), at(30), at(45),
        at(60));
    assertThat(t.checks()).allMatch(c -> c.recorded().isEmpty() && c.stageIndex() == 0);
  }

  @Test
  void betweenKeepsTheChecksInTheClosedRange() {
    RolloutTimeline t = RolloutTimeline.fromAudit(APP, ID, trail()).between(at(30), at(40));
    assertThat(t.checks()).extracting(RolloutTimeline.RecordedCheck::at).containsExactly(at(30), at(30), at(40));
    assertThat(RolloutTimeline.fromAudit(APP, ID, trail()).between(null, null).checks()).hasSize(5);
  }

  /** A policy whose outcome is scripted per check time; remembers what it was asked. */
  static final class Scripted implements CanaryPolicy {
    final Map<Instant, Outcome> outcomes;
    final List<String> asked = new ArrayList<>();

    Scripted(Map<Instant, Outcome> outcomes) {
      this.outcomes = outcomes;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Verdict rollbackCheck(JudgeInput input, Guardrails g) {
      asked.add("check " + input.stage().from() + ".." + input.stage().to());
      return new Verdict(outcomes.getOrDefault(input.stage().to(), Outcome.HEALTHY), Verdict.Kind.ROLLBACK_CHECK,
          List.of(), "scripted");
    }

    @Override
    public Verdict promotionGate(JudgeInput input, Guardrails g) {
      asked.add("gate " + input.stage().from() + ".." + input.stage().to());
      return new Verdict(outcomes.getOrDefault(input.stage().to(), Outcome.HEALTHY), Verdict.Kind.PROMOTION_GATE,
          List.of(), "scripted");
    }
  }

  static final MetricsQuery WINDOWS = (app, id, from, now) ->
      new JudgeInput(WindowStats.empty(from, now), WindowStats.empty(now.minus(Duration.ofHours(1)), now));

  @Test
  void eachCheckIsJudgedOnItsStagesWindowByTheQuestionItAskedAndTheReplayStopsAtTheFirstRegression() {
    Scripted policy = new Scripted(Map.of(at(40), Outcome.REGRESSION));
    Replay.Result r = new Replay(WINDOWS, policy).run(RolloutTimeline.fromAudit(APP, ID, trail()),
        Guardrails.defaults());

    assertThat(policy.asked).containsExactly("check " + at(0) + ".." + at(15), "check " + at(0) + ".." + at(30),
        "gate " + at(0) + ".." + at(30), "check " + at(0) + ".." + at(40));
    assertThat(r.rollback()).map(Replay.Check::number).contains(4);
    assertThat(r.rollback()).map(Replay.Check::at).contains(at(40));
    assertThat(r.ofRecorded()).isEqualTo(5);
    assertThat(r.gates()).extracting(Replay.Check::number).containsExactly(3);
    // check 1 recorded INCONCLUSIVE, check 4 HEALTHY: both differ from what the scripted policy says now
    assertThat(r.checks()).extracting(Replay.Check::differs).containsExactly(true, false, false, true);
    assertThat(r.firstDifference()).map(Replay.Check::number).contains(1);
  }

  @Test
  void checksOfALaterStageAreJudgedSinceThatStageBegan() {
    Scripted policy = new Scripted(Map.of());
    Replay.Result r = new Replay(WINDOWS, policy).run(RolloutTimeline.fromAudit(APP, ID, trail()),
        Guardrails.defaults());
    assertThat(r.rollback()).isEmpty();
    assertThat(r.checks()).hasSize(5);
    assertThat(policy.asked.get(4)).isEqualTo("check " + at(50) + ".." + at(65));
    assertThat(r.checks().get(4).windowFrom()).isEqualTo(at(50));
  }

  @Test
  void aFailedMetricsReadIsNotAVerdict() {
    MetricsQuery down = (app, id, from, now) -> {
      throw new IllegalStateException("CloudWatch throttled");
    };
    assertThatThrownBy(() -> new Replay(down, new Scripted(Map.of())).run(RolloutTimeline.fromAudit(APP, ID, trail()),
        Guardrails.defaults())).hasMessageContaining("throttled");
  }

  @Test
  void aRecordedCheckWithoutAnOutcomeNeverCountsAsADifference() {
    Replay.Check c = new Replay.Check(1, at(15), 0, Verdict.Kind.ROLLBACK_CHECK, Optional.empty(),
        new Verdict(Outcome.REGRESSION, Verdict.Kind.ROLLBACK_CHECK, List.of(), "x"), at(0));
    assertThat(c.differs()).isFalse();
  }
}
