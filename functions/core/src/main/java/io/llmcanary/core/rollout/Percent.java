package io.llmcanary.core.rollout;

import java.util.Locale;

/** How a percent is written everywhere a person reads it: a canary's {@code 5%}, a measured share's {@code 12.3%}. */
public final class Percent {

  private Percent() {}

  /**
   * A percent as configured: {@code 5%}, {@code 12.5%}, {@code 90%}. Floating-point noise from a ratio times 100
   * (0.55 × 100 = 55.00000000000001) is rounded away first, so a configured 0.55 reads as 55%.
   */
  public static String text(double percent) {
    double p = Math.round(percent * 1e9) / 1e9;
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }

  /** A configured ratio as a percent: 0.9 as {@code 90%}, 0.55 as {@code 55%}. */
  public static String ofRatio(double ratio) {
    return text(100 * ratio);
  }

  /** A measured share to one decimal: 0.1234 as {@code 12.3%}; NaN (nothing measured) as {@code –}. */
  public static String share(double ratio) {
    return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }
}
