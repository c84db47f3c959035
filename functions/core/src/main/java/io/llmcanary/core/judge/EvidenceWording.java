package io.llmcanary.core.judge;

import io.llmcanary.core.stats.MixtureTest;
import java.util.Locale;

/** How the judge's evidence is worded in rows and reasons: the numbers as a person reads them. */
final class EvidenceWording {

  private EvidenceWording() {}

  static String times(double ratio) {
    return String.format(Locale.ROOT, "%.2fx", ratio);
  }

  static String confidence(double alpha) {
    double c = 100 * (1 - alpha);
    return c >= 99.95 ? String.format(Locale.ROOT, "%.4f%%", c) : String.format(Locale.ROOT, "%.2f%%", c);
  }

  static String describe(MixtureTest t, String what) {
    return String.format(Locale.ROOT, "%s: mixture-SPRT z=%s, anytime critical ±%s at %s", what, num(t.z()),
        num(t.criticalZ()), confidence(t.alpha()));
  }

  /** A raw input value for a message: "missing" rather than NaN. */
  static String shown(double v) {
    return Double.isNaN(v) ? "missing" : String.valueOf(v);
  }

  static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
  }
}
