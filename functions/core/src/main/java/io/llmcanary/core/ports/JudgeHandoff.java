package io.llmcanary.core.ports;

import io.llmcanary.core.qualityjudge.JudgeTask;

/**
 * Hands a sampled answer to the quality judge (in AWS: one SQS message to the {@code quality-judge} function).
 * Implementations must bound their time (a short timeout, no retries on the request path): the caller waits for it
 * before the answer is returned, and treats any exception as a dropped hand-off, never as a failed request.
 */
public interface JudgeHandoff {

  void handOff(JudgeTask task);

  JudgeHandoff NONE = task -> { };
}
