package io.llmcanary.core.health;

import io.llmcanary.core.judge.Outcome;
import java.util.List;

/**
 * What one run did about one rollout.
 *
 * @param outcome the judge's verdict when it judged, else null
 * @param steps   the rollback steps taken or attempted in this run, in order, one line each
 */
public record RolloutCheck(String application, String rolloutId, Action action, Outcome outcome, String reason,
    String table, List<String> steps) {

  public enum Action {
    /** Judged; not a regression (HEALTHY or INCONCLUSIVE). */
    JUDGED,
    /** Judged a regression and won the ROLLED_BACK transition; the later steps' results are in {@code steps}. */
    ROLLED_BACK,
    /** Found a rollback with steps still open and finished what it could. */
    RESUMED,
    /** Nothing to do: the rollout is terminal with nothing owed, or another run won the transition. */
    NO_OP,
    /** Another run claimed the open rollback steps moments ago; left to it. */
    IN_PROGRESS,
    /** The named rollout does not exist. */
    NOT_FOUND,
    /** Something failed that the next run retries (config unreadable, store unreachable). */
    FAILED
  }

  public RolloutCheck {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
