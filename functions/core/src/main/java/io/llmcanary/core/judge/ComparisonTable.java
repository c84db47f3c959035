package io.llmcanary.core.judge;

import java.util.List;
import java.util.Locale;

/** Renders verdict rows as the seed's plain-text comparison table, plus threshold and result columns. */
public final class ComparisonTable {

  private ComparisonTable() {}

  public static String render(List<MetricRow> rows) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-16s %12s %12s %9s %9s %9s  %-13s %s%n",
        "Metric", "Stable", "Canary", "Diff", "n(stable)", "n(canary)", "Result", "Threshold"));
    b.append("-".repeat(104)).append('\n');
    for (MetricRow r : rows) {
      b.append(String.format(Locale.ROOT, "%-16s %12s %12s %9s %9d %9d  %-13s %s%n",
          r.metric(), value(r.stable()), value(r.canary()), diff(r.diffPercent()),
          r.stableSamples(), r.canarySamples(), r.result(), r.threshold()));
    }
    return b.toString();
  }

  static String value(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  static String diff(double d) {
    return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", d);
  }
}
