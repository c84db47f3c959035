package io.llmcanary.core.metrics;

/**
 * Count, sum and sum of squares of one graded score over a window ({@code JudgeScore} or {@code Preference}, each
 * in [0, 1]). CloudWatch keeps no variances; the squares are published as a metric of their own so the variance
 * follows from two sums (docs/architecture.md#metrics-and-their-cloudwatch-query).
 *
 * @param count   graded answers
 * @param sum     sum of the scores
 * @param squares sum of the squared scores (NaN when not published)
 */
public record ScoreStats(long count, double sum, double squares) {

  public static final ScoreStats EMPTY = new ScoreStats(0, 0, 0);

  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }

  /** The sample variance from the two sums (population form, never negative), NaN when unknown. */
  public double variance() {
    if (count == 0 || !Double.isFinite(squares)) {
      return Double.NaN;
    }
    double m = mean();
    return Math.max(0, squares / count - m * m);
  }

  /** Sums that cannot come from scores in [0, 1]. */
  public boolean invalid() {
    return count < 0 || !(sum >= 0 && sum <= count) || (Double.isFinite(squares) && !(squares >= 0
        && squares <= sum + 1e-9)) || Double.isInfinite(squares);
  }

  public ScoreStats plus(ScoreStats o) {
    return new ScoreStats(count + o.count, sum + o.sum, squares + o.squares);
  }

  public ScoreStats plus(double score) {
    return new ScoreStats(count + 1, sum + score, squares + score * score);
  }
}
