package io.llmcanary.core.judge;

import io.llmcanary.core.config.Guardrails;

/**
 * A way of deciding about a canary: a pure function from two metric sets to a verdict with a per-metric
 * explanation (the Kayenta shape). Two policies exist so they can be measured side by side: the
 * {@link SequentialJudge} this product uses, and the {@link NaiveSeedPolicy} of the original article.
 */
public interface CanaryPolicy {

  String name();

  /** The 15-minute check: REGRESSION means roll back now. */
  Verdict rollbackCheck(JudgeInput input, Guardrails guardrails);

  /** The end-of-stage gate: HEALTHY means the stage may be proposed for promotion. */
  Verdict promotionGate(JudgeInput input, Guardrails guardrails);
}
