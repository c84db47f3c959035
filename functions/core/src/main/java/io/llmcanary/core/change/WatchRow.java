package io.llmcanary.core.change;

import java.util.List;

/**
 * A row of the comparison table (the judge's metrics) that a change is likely to move, and why.
 *
 * @param metric the row's name as the table prints it: {@code avg_quality}, {@code p95_latency}, {@code avg_cost}
 *               or {@code error_rate}
 * @param why    what the change does to it, in a few words
 */
public record WatchRow(String metric, String why) {

  public static final String QUALITY = "avg_quality";
  public static final String LATENCY = "p95_latency";
  public static final String COST = "avg_cost";
  public static final String ERRORS = "error_rate";

  /** The table's row order. */
  public static final List<String> TABLE_ORDER = List.of(QUALITY, LATENCY, COST, ERRORS);

  public WatchRow {
    if (!TABLE_ORDER.contains(metric)) {
      throw new IllegalArgumentException("not a comparison-table row: " + metric);
    }
  }
}
