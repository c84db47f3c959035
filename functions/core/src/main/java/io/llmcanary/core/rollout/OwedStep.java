package io.llmcanary.core.rollout;

import io.llmcanary.core.ports.Alert;
import java.util.Objects;

/**
 * Work a rollout still owes after a transition, kept in its state and written in the same conditional write as
 * the transition (docs/architecture.md#rollout-state): whoever reads the state next (the action that wrote it, a retry, the next health
 * check) finishes it. Every step is safe to repeat; a step that is done is removed with a conditional write.
 */
public sealed interface OwedStep {

  /** Deploy canary 0% at once (stopping a running deployment), if the deployed config still gives this rollout users. */
  record ZeroCanary(String description) implements OwedStep {
    public ZeroCanary {
      Objects.requireNonNull(description, "description");
    }
  }

  /** Make the canary the new stable in the deployed config (after PROMOTED). */
  record PromoteCanary(String description) implements OwedStep {
    public PromoteCanary {
      Objects.requireNonNull(description, "description");
    }
  }

  /** Deliver an alert; a repeat of it carries the same {@link Alert#id()}, so a pager can drop the duplicate. */
  record SendAlert(Alert alert) implements OwedStep {
    public SendAlert {
      Objects.requireNonNull(alert, "alert");
    }
  }

  /**
   * Fail the workflow's waiting approval task (SendTaskFailure), so the execution ends. {@code attempts} counts
   * failed tries; the task is given up after a few (its execution may have ended or timed out).
   */
  record FailApprovalTask(String taskToken, String error, String cause, int attempts) implements OwedStep {
    public FailApprovalTask {
      Objects.requireNonNull(taskToken, "taskToken");
      Objects.requireNonNull(error, "error");
      cause = cause == null ? "" : cause;
    }

    public FailApprovalTask triedOnce() {
      return new FailApprovalTask(taskToken, error, cause, attempts + 1);
    }
  }
}
