package io.llmcanary.core.judge;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.rollout.Percent;
import java.util.Locale;

/**
 * The metrics a verdict has rows for, in table order, each with its label (the comparison table's and the alerts'
 * name for it) and its thresholds as a person reads them.
 */
public enum Metric {
  QUALITY("avg_quality"), JUDGE_SCORE("judge_score"), PREFERENCE("preference"),
  CHECK_FAILURES("check_failures"), LATENCY("p95_latency"), COST("avg_cost"), ERROR_RATE("error_rate");

  private final String label;

  Metric(String label) {
    this.label = label;
  }

  /** The name in the comparison table and the alerts, e.g. {@code avg_quality}. */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }

  /** The quality group: user feedback and the judge's rows, which share one alpha and one gate requirement. */
  public boolean isQuality() {
    return this == QUALITY || this == JUDGE_SCORE || this == PREFERENCE;
  }

  double rollbackRatio(Guardrails g) {
    return switch (this) {
      case QUALITY -> g.rollbackQualityRatio();
      case JUDGE_SCORE -> g.rollbackJudgeScoreRatio();
      case PREFERENCE -> g.rollbackPreference() / PreferenceEvidence.EVEN;
      case CHECK_FAILURES -> g.rollbackCheckFailureRatio();
      case LATENCY -> g.rollbackLatencyP95Ratio();
      case COST -> g.rollbackCostRatio();
      case ERROR_RATE -> g.rollbackErrorRateRatio();
    };
  }

  double gateRatio(Guardrails g) {
    return switch (this) {
      case QUALITY -> g.gateQualityRatio();
      case JUDGE_SCORE -> g.gateJudgeScoreRatio();
      case PREFERENCE -> g.gatePreference() / PreferenceEvidence.EVEN;
      case CHECK_FAILURES -> g.gateCheckFailureRatio();
      case LATENCY -> g.gateLatencyP95Ratio();
      case COST -> g.gateCostRatio();
      case ERROR_RATE -> g.gateErrorRateRatio();
    };
  }

  String rollbackText(Guardrails g) {
    return switch (this) {
      case QUALITY -> "rollback if < " + Percent.ofRatio(g.rollbackQualityRatio()) + " of stable";
      case JUDGE_SCORE -> "rollback if < " + Percent.ofRatio(g.rollbackJudgeScoreRatio()) + " of stable";
      case PREFERENCE -> "rollback if canary preferred < " + Percent.ofRatio(g.rollbackPreference());
      case CHECK_FAILURES -> String.format(Locale.ROOT, "rollback if > %sx stable and > stable + %s",
          num(g.rollbackCheckFailureRatio()), Percent.share(g.minCheckFailureIncrease()));
      case LATENCY -> "rollback if > " + Percent.ofRatio(g.rollbackLatencyP95Ratio()) + " of stable";
      case COST -> "rollback if > " + Percent.ofRatio(g.rollbackCostRatio()) + " of stable";
      case ERROR_RATE -> String.format(Locale.ROOT, "rollback if > %sx stable and > stable + %s",
          num(g.rollbackErrorRateRatio()), Percent.share(g.minErrorRateIncrease()));
    };
  }

  String gateText(Guardrails g) {
    return switch (this) {
      case QUALITY -> "gate: >= " + Percent.ofRatio(g.gateQualityRatio()) + " of stable";
      case JUDGE_SCORE -> "gate: >= " + Percent.ofRatio(g.gateJudgeScoreRatio()) + " of stable";
      case PREFERENCE -> "gate: canary preferred >= " + Percent.ofRatio(g.gatePreference());
      case CHECK_FAILURES -> String.format(Locale.ROOT, "gate: <= %sx stable or <= stable + %s",
          num(g.gateCheckFailureRatio()), Percent.share(g.minCheckFailureIncrease()));
      case LATENCY -> "gate: <= " + Percent.ofRatio(g.gateLatencyP95Ratio()) + " of stable";
      case COST -> "gate: <= " + Percent.ofRatio(g.gateCostRatio()) + " of stable";
      case ERROR_RATE -> String.format(Locale.ROOT, "gate: <= %sx stable or <= stable + %s",
          num(g.gateErrorRateRatio()), Percent.share(g.minErrorRateIncrease()));
    };
  }

  String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return switch (this) {
      case QUALITY, JUDGE_SCORE, PREFERENCE -> String.format(Locale.ROOT, "%.3f", v);
      case CHECK_FAILURES -> Percent.share(v);
      case LATENCY -> String.format(Locale.ROOT, "%.0f ms", v);
      case COST -> String.format(Locale.ROOT, "$%.5f", v);
      case ERROR_RATE -> Percent.share(v);
    };
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
  }
}
