package io.llmcanary.core.ports;

/** Completes the promotion workflow's waiting approval task (Step Functions SendTaskSuccess/Failure). */
public interface ApprovalGateway {

  /** Throws {@link StaleTaskTokenException} when the task no longer waits (decided, timed out, execution over). */
  void approve(String taskToken, String outputJson);

  /** Throws {@link StaleTaskTokenException} when the task no longer waits (decided, timed out, execution over). */
  void reject(String taskToken, String error, String cause);

  // Added with the promotion workflow (issue 4): Step Functions answers TaskTimedOut, InvalidToken or
  // TaskDoesNotExist for a token whose task is gone; callers turn this into a "stale token" refusal.
  /** The task behind a token is gone: decided already, timed out, or its execution ended. */
  final class StaleTaskTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StaleTaskTokenException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
