package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;

/**
 * What the quality judge cost a rollout (docs/architecture.md#the-quality-judge "cost is bounded and visible"): the answers it judged, the
 * judge-model calls they took and their price. An absolute grade ({@code JudgeScore}) is one judge call; a pairwise
 * comparison ({@code Preference}) is two (both orders, against position bias) plus one shadow stable answer, priced
 * at stable's mean cost per request. The same arithmetic as the dashboard's judge-cost line.
 *
 * @param absoluteGrades      {@code JudgeScore} samples, both versions
 * @param pairwise            {@code Preference} samples (canary only: stable is never sampled in pairwise mode)
 * @param pricePerCallUsd     USD of one judge call (the stack's {@code QualityJudgeCallPriceUsd})
 * @param shadowAnswerCostUsd stable's mean cost of an answer, NaN when stable served nothing
 */
public record JudgeSpend(long absoluteGrades, long pairwise, double pricePerCallUsd, double shadowAnswerCostUsd) {

  /** Calls of the judge model per pairwise comparison: canary first, then stable first. */
  public static final int CALLS_PER_COMPARISON = 2;

  public static JudgeSpend of(WindowStats w, double pricePerCallUsd) {
    VersionStats s = w.stable();
    VersionStats c = w.canary();
    return new JudgeSpend(s.judge().count() + c.judge().count(), s.preference().count() + c.preference().count(),
        pricePerCallUsd, s.meanCost());
  }

  /** Answers the judge graded or compared. */
  public long answersJudged() {
    return absoluteGrades + pairwise;
  }

  public long judgeCalls() {
    return absoluteGrades + CALLS_PER_COMPARISON * pairwise;
  }

  public double judgeCallsUsd() {
    return judgeCalls() * pricePerCallUsd;
  }

  /** The shadow stable answers of pairwise mode; 0 without comparisons, NaN when stable's cost is unknown. */
  public double shadowAnswersUsd() {
    return pairwise == 0 ? 0 : pairwise * shadowAnswerCostUsd;
  }

  /** Judge calls plus shadow answers; the judge calls alone when the shadow cost is unknown. */
  public double totalUsd() {
    double shadow = shadowAnswersUsd();
    return judgeCallsUsd() + (Double.isNaN(shadow) ? 0 : shadow);
  }

  /** One line for {@code status}: answers judged, how, the calls at their price and the total. */
  public String line() {
    StringBuilder b = new StringBuilder("quality judge: ").append(answersJudged()).append(" answers judged");
    if (answersJudged() == 0) {
      return b.append(" (off, or nothing sampled yet), $0").toString();
    }
    b.append(" (");
    if (absoluteGrades > 0) {
      b.append(absoluteGrades).append(" absolute grades");
    }
    if (pairwise > 0) {
      b.append(absoluteGrades > 0 ? ", " : "").append(pairwise).append(" pairwise comparisons of 2 calls");
    }
    b.append("; ").append(judgeCalls()).append(" judge calls at $").append(usd(pricePerCallUsd)).append(")");
    b.append(", ≈ $").append(usd(totalUsd()));
    if (pairwise > 0) {
      double shadow = shadowAnswersUsd();
      b.append(Double.isNaN(shadow) ? " (plus the shadow stable answers: stable's cost unknown)"
          : " (of which $" + usd(shadow) + " shadow stable answers)");
    }
    return b.toString();
  }

  static String usd(double v) {
    return v >= 1 ? String.format(java.util.Locale.ROOT, "%.2f", v) : String.format(java.util.Locale.ROOT, "%.4f", v);
  }
}
