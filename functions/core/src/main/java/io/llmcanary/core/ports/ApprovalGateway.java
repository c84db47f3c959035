package io.llmcanary.core.ports;

import io.llmcanary.core.promotion.Approval;

/** Completes the promotion workflow's waiting approval task (Step Functions SendTaskSuccess/Failure). */
/** Completes the promotion workflow's waiting approval task: the one adapter decides how the decision is sent. */
public interface ApprovalGateway {

  /** Throws {@link StaleTaskTokenException} when the task no longer waits (decided, timed out, execution over). */
  void approve(String taskToken, Approval approval);

  /** Throws {@link StaleTaskTokenException} when the task no longer waits (decided, timed out, execution over). */
  void reject(String taskToken, String error, String cause);

  /** The task behind a token is gone: decided already, timed out, or its execution ended. */
  final class StaleTaskTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StaleTaskTokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
