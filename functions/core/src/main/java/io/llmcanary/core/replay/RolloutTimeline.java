package io.llmcanary.core.replay;

import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a replay needs of a rollout's past: when each stage began (the health check and the gate judge everything
 * since then) and when each check ran, with the outcome it recorded. Read from the audit trail, where every
 * transition, every health-check verdict and every gate verdict is kept with its time.
 *
 * @param stages when each stage began, in stage order
 * @param checks the health check's runs and the gates, oldest first
 */
public record RolloutTimeline(String application, String rolloutId, List<StageStart> stages,
    List<RecordedCheck> checks) {

  /** Stage {@code stageIndex} (0-based) began {@code at}. */
  public record StageStart(int stageIndex, Instant at) {}

  /**
   * One check as it ran: the health check's run (ROLLBACK_CHECK: REGRESSION rolls back) or the end-of-stage gate
   * (PROMOTION_GATE: HEALTHY lets the stage be proposed for promotion, REGRESSION rolls back).
   *
   * @param recorded the outcome it recorded, or empty when it recorded none (a synthesised schedule)
   */
  public record RecordedCheck(Instant at, int stageIndex, Verdict.Kind kind, Optional<Outcome> recorded) {
    public RecordedCheck {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(kind, "kind");
      recorded = recorded == null ? Optional.empty() : recorded;
    }
  }

  /** The audit event types a timeline is read from (as the health check and the gate write them). */
  public static final String VERDICT = "VERDICT";
  public static final String GATE = "GATE";
  public static final String STARTED = "STARTED";

  public RolloutTimeline {
    stages = List.copyOf(stages);
    checks = List.copyOf(checks);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a timeline needs the start of at least one stage");
    }
  }

  /**
   * The timeline in an audit trail: stage 1 begins at the rollout's start, each later stage at the transition that
   * entered it; every {@code VERDICT} event is a health check's run and every {@code GATE} event a gate, at the time
   * it was written.
   */
  public static RolloutTimeline fromAudit(String application, String rolloutId, List<AuditEvent> events) {
    List<AuditEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(AuditEvent::at)); // stable: same-instant events keep their written order
    List<StageStart> stages = new ArrayList<>();
    List<RecordedCheck> checks = new ArrayList<>();
    for (AuditEvent e : sorted) {
      boolean first = stages.isEmpty();
      boolean entersStage = e.toStatus() == RolloutStatus.RUNNING
          && (first || e.stageIndex() > stages.get(stages.size() - 1).stageIndex());
      if (entersStage && (first || "TRANSITION".equals(e.type()))) {
        stages.add(new StageStart(e.stageIndex(), e.at()));
      }
      if (stages.isEmpty()) {
        continue;
      }
      if (VERDICT.equals(e.type())) {
        checks.add(new RecordedCheck(e.at(), e.stageIndex(), Verdict.Kind.ROLLBACK_CHECK, Optional.ofNullable(e.outcome())));
      } else if (GATE.equals(e.type())) {
        checks.add(new RecordedCheck(e.at(), e.stageIndex(), Verdict.Kind.PROMOTION_GATE, Optional.ofNullable(e.outcome())));
      }
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("the audit trail of " + rolloutId + " has no start of a stage (no event"
          + " that enters RUNNING): is it the whole trail?");
    }
    return new RolloutTimeline(application, rolloutId, stages, checks);
  }

  /**
   * A schedule without an audit trail: one stage from {@code from}, a health check every {@code interval} after
   * it until {@code to}, nothing recorded.
   */
  public static RolloutTimeline every(String application, String rolloutId, Instant from, Instant to,
      Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("the check interval must be positive, got " + interval);
    }
    List<RecordedCheck> checks = new ArrayList<>();
    for (Instant t = from.plus(interval); !t.isAfter(to); t = t.plus(interval)) {
      checks.add(new RecordedCheck(t, 0, Verdict.Kind.ROLLBACK_CHECK, Optional.empty()));
    }
    return new RolloutTimeline(application, rolloutId, List.of(new StageStart(0, from)), checks);
  }

  /** When stage {@code stageIndex} began: its own start, or the latest one before it. */
  public Instant stageStart(int stageIndex) {
    Instant at = stages.get(0).at();
    for (StageStart s : stages) {
      if (s.stageIndex() <= stageIndex) {
        at = s.at();
      }
    }
    return at;
  }

  /** Only the checks in [{@code from}, {@code to}] (either may be null: unbounded). */
  public RolloutTimeline between(Instant from, Instant to) {
    List<RecordedCheck> kept = checks.stream()
        .filter(c -> (from == null || !c.at().isBefore(from)) && (to == null || !c.at().isAfter(to))).toList();
    return new RolloutTimeline(application, rolloutId, stages, kept);
  }
}
