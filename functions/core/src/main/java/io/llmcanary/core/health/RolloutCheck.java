package io.llmcanary.core.health;

import io.llmcanary.core.judge.Outcome;
import java.util.List;

/**
 * What one run did about one rollout.
 *
 * @param outcome     the judge's verdict when it judged, else null
 * @param steps       the rollback steps taken or attempted in this run, in order, one line each
 * @param failedSteps how many of those steps failed and stay owed for the next run
 */
public record RolloutCheck(String application, String rolloutId, Action action, Outcome outcome, String reason,
    String table, List<String> steps, int failedSteps) {

  public enum Action {
    /** Judged; not a regression (HEALTHY or INCONCLUSIVE on the data). */
    JUDGED,
    /** Could not judge: the metrics could not be read. Never a rollback; counted, and alarmed on when it lasts. */
    NOT_JUDGED,
    /** Judged a regression and won the ROLLED_BACK transition; the later steps' results are in {@code steps}. */
    ROLLED_BACK,
    /** Found a rollout that still owed work (a rollback's steps, a pending page) and finished what it could. */
    RESUMED,
    /** Nothing to do: the rollout is terminal with nothing owed, or another writer ended it first. */
    NO_OP,
    /** The named rollout does not exist. */
    NOT_FOUND,
    /** Something failed that the next run retries (config unreadable, store unreachable). */
    FAILED
  }

  public RolloutCheck {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  public RolloutCheck(String application, String rolloutId, Action action, Outcome outcome, String reason,
      String table, List<String> steps) {
    this(application, rolloutId, action, outcome, reason, table, steps, 0);
  }
}
