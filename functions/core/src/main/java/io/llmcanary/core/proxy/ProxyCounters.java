package io.llmcanary.core.proxy;

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

  ProxyCounters NONE = (a, r, id, ok, t) -> { };
}
