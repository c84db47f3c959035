package io.llmcanary.core.judge;

import java.util.List;
import java.util.Optional;

/**
 * A judged comparison: the overall outcome, one row per metric, and a one-line reason a person can act on.
 *
 * @param outcome REGRESSION if any row regressed, HEALTHY only if every row is healthy, else INCONCLUSIVE
 * @param kind    which question was asked: the 15-minute rollback check or the promotion gate
 * @param reason  the deciding fact in one line, e.g. "error_rate 31.0% over 42 canary requests above the hard ceiling 20%"
 */
public record Verdict(Outcome outcome, Kind kind, List<MetricRow> rows, String reason) {

  public enum Kind { ROLLBACK_CHECK, PROMOTION_GATE }

  public Verdict {
    rows = List.copyOf(rows);
  }

  /** The first row that regressed, the one an alert names. */
  public Optional<MetricRow> firstRegression() {
    return rows.stream().filter(r -> r.result() == Outcome.REGRESSION).findFirst();
  }

  /** The comparison table of docs/architecture.md#the-judge. */
  public String table() {
    return ComparisonTable.render(rows);
  }
}
