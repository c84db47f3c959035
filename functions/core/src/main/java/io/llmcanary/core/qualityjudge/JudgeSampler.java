package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;

/**
 * Which answers the proxy hands to the quality judge (docs/architecture.md#the-quality-judge). Deterministic from the request id, so a retry
 * or a replay samples the same answers, and allocated per version rather than as one global rate: at a 5% canary a
 * global 10% would spend 95% of the judge on stable, which needs the least.
 *
 * <p>Allocation. The judge's test compares canary with stable; for a given number of judge calls the variance of
 * a difference of two means, σ²/n_c + σ²/n_s, is smallest at n_c = n_s. So canary's answers are sampled at
 * {@code sampleRate} and, in absolute mode, stable's at sampleRate × p / (100 − p) for a canary percent p, which
 * gives stable as many judged answers as canary in expectation (capped at 1). In pairwise mode stable's own
 * traffic is never sampled: the judge function asks stable for a shadow answer to each sampled canary conversation,
 * which removes the prompt's difficulty from the comparison. Either way judged answers are at most twice canary's
 * requests.
 */
public final class JudgeSampler {

  /** Salt of the sampling hash: independent of any rollout's assignment salt. */
  static final String SALT = "llm-canary/quality-judge";
  static final int RESOLUTION = 10_000;

  private JudgeSampler() {}

  /** The share of this version's answers to hand off. */
  public static double rate(QualityJudgeConfig q, Variant version, double canaryPercent) {
    if (q == null || !q.enabled() || !(canaryPercent > 0) || canaryPercent >= 100) {
      return 0;
    }
    if (version == Variant.CANARY) {
      return q.sampleRate();
    }
    if (q.judgeMode() == QualityJudgeConfig.Mode.PAIRWISE) {
      return 0;
    }
    return Math.min(1, q.sampleRate() * canaryPercent / (100 - canaryPercent));
  }

  /** Whether this request's answer is handed off: its id's hash falls below the version's rate. */
  public static boolean sampled(QualityJudgeConfig q, Variant version, double canaryPercent, String requestId) {
    double rate = rate(q, version, canaryPercent);
    if (rate <= 0 || requestId == null) {
      return false;
    }
    return Assignment.bucket(SALT, requestId) < rate * RESOLUTION;
  }
}
