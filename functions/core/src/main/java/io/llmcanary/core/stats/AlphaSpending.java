package io.llmcanary.core.stats;

/**
 * Spends an error budget over a countable sequence of looks at <em>different</em> samples (such as sliding
 * last-hour windows), where one growing sample's confidence sequence does not apply: look j gets
 * α·w(j) with w(j) = (c + 1) / ((j + c)(j + c + 1)), which sums to exactly 1 over j = 1, 2, ...
 * A union bound then keeps the chance of any false alarm, over all looks ever, below α, whatever the
 * dependence between looks. The offset c keeps the first looks (which see little data) from taking most of
 * the budget.
 */
public final class AlphaSpending {

  private AlphaSpending() {}

  /** The share of the budget for look {@code j} (1-based), given offset {@code c} >= 0. */
  public static double weight(long j, long c) {
    if (j < 1 || c < 0) {
      throw new IllegalArgumentException("look index must be >= 1 and offset >= 0");
    }
    double a = (double) j + c;
    return (c + 1.0) / (a * (a + 1.0));
  }
}
