package io.llmcanary.core.proxy;

import io.llmcanary.core.qualityjudge.JudgeDispatch;

/**
 * Counts what the per-request metrics do not: fallbacks to stable. A fallback is kept out of stable's request
 * metrics on purpose: it happens only on prompts the canary failed on, a biased sample that would make stable
 * look slower or costlier than it is, and so the canary look better.
 */
public interface ProxyCounters {

  /**
   * A canary request failed and was retried on stable.
   *
   * @param stableAnswered whether the retry on stable answered
   */
  void fallback(String application, String rolloutId, String requestId, boolean stableAnswered, long timestampMillis);

  /**
   * A sampled answer was handed to the quality judge, or dropped (cap spent, hand-off failed): never a failed
   * request, always counted.
   */
  default void judgeHandoff(String application, String rolloutId, String requestId, JudgeDispatch.Result result,
      long timestampMillis) {}

  /**
   * A feedback was refused; {@code reason} is the error code answered ({@code forged_feedback_token},
   * {@code feedback_token_other_user}, {@code duplicate_feedback}, {@code feedback_rate_limited}, ...).
   *
   * @param application null when no config was read
   * @param user        the keyed pseudonym of the presenting user, null when none was found; never a raw id
   */
  default void feedbackRefused(String application, String rolloutId, String requestId, String reason, String user,
      long timestampMillis) {}

  ProxyCounters NONE = (a, r, id, ok, t) -> { };
}
