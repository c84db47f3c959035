package io.llmcanary.core.replay;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.replay.RolloutTimeline.RecordedCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a rollout's checks again, one by one, as the health check and the gate ran them: at each recorded check's
 * time the same two windows are read through the same {@link MetricsQuery} (everything since the stage began, and
 * the last hour), and the same {@link CanaryPolicy} judges them, with the guardrails given (the rollout's own, or
 * others to try). What it answers: when those guardrails would have rolled the canary back, and what each gate
 * would have said. A replay stops at the first REGRESSION: what was recorded after it would not have happened.
 *
 * <p>Kayenta's users ask for this to tune thresholds on real data: replaying with the rollout's own guardrails
 * must give the recorded outcomes back (a check of the metrics and the timeline), and with others it shows what
 * would have changed.
 */
public final class Replay {

  /**
   * One replayed check.
   *
   * @param number   1-based, in the order the checks ran
   * @param recorded what the check recorded then, when known
   * @param replayed what it says now, with these guardrails
   */
  public record Check(int number, Instant at, int stageIndex, Verdict.Kind kind, Optional<Outcome> recorded,
      Verdict replayed, Instant windowFrom) {

    /** Whether the replay disagrees with what was recorded (false when nothing was recorded). */
    public boolean differs() {
      return recorded.isPresent() && recorded.get() != replayed.outcome();
    }

    public Outcome outcome() {
      return replayed.outcome();
    }
  }

  /**
   * @param checks     every check replayed, up to and including the first REGRESSION
   * @param rollback   the check that would have rolled back, if any
   * @param gates      the gates among {@code checks}
   * @param ofRecorded how many checks the timeline holds (the replay may stop earlier)
   */
  public record Result(List<Check> checks, Optional<Check> rollback, List<Check> gates, int ofRecorded) {

    public Result {
      checks = List.copyOf(checks);
      gates = List.copyOf(gates);
    }

    public long differing() {
      return checks.stream().filter(Check::differs).count();
    }

    /** The first check the replay disagrees with, if any. */
    public Optional<Check> firstDifference() {
      return checks.stream().filter(Check::differs).findFirst();
    }
  }

  private final MetricsQuery metrics;
  private final CanaryPolicy policy;

  public Replay(MetricsQuery metrics, CanaryPolicy policy) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Replays {@code timeline}'s checks with {@code guardrails}. A failed read of the metrics throws. */
  public Result run(RolloutTimeline timeline, Guardrails guardrails) {
    Objects.requireNonNull(guardrails, "guardrails");
    List<Check> checks = new ArrayList<>();
    List<Check> gates = new ArrayList<>();
    Check rollback = null;
    int n = 0;
    for (RecordedCheck rc : timeline.checks()) {
      Instant from = timeline.stageStart(rc.stageIndex());
      JudgeInput input = metrics.fetch(timeline.application(), timeline.rolloutId(), from, rc.at());
      Verdict v = switch (rc.kind()) {
        case ROLLBACK_CHECK -> policy.rollbackCheck(input, guardrails);
        case PROMOTION_GATE -> policy.promotionGate(input, guardrails);
      };
      Check c = new Check(++n, rc.at(), rc.stageIndex(), rc.kind(), rc.recorded(), v, from);
      checks.add(c);
      if (rc.kind() == Verdict.Kind.PROMOTION_GATE) {
        gates.add(c);
      }
      if (v.outcome() == Outcome.REGRESSION) {
        rollback = c;
        break;
      }
    }
    return new Result(checks, Optional.ofNullable(rollback), gates, timeline.checks().size());
  }
}
