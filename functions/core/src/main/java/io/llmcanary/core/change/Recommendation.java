package io.llmcanary.core.change;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rollout's changes call for: the most any change needs, the reason (the whys of the changes that set it),
 * and the comparison-table rows to watch, merged over all changes in the table's order.
 */
public record Recommendation(CanaryNeed need, String reason, List<WatchRow> watch) {

  static final String IDENTICAL = "stable and canary are identical: a canary has nothing to compare; a bug fix in"
      + " code (not prompt) takes the standard deploy process";

  public Recommendation {
    watch = List.copyOf(watch);
  }

  static Recommendation of(List<Change> changes) {
    if (changes.isEmpty()) {
      return new Recommendation(CanaryNeed.NOT_NEEDED, IDENTICAL, List.of());
    }
    CanaryNeed need = changes.stream().map(Change::need).reduce(CanaryNeed.NOT_NEEDED, CanaryNeed::max);
    List<String> whys = changes.stream().filter(c -> c.need() == need).map(Change::why).distinct().toList();
    String reason = String.join("; ", whys);
    Map<String, List<String>> byRow = new LinkedHashMap<>();
    WatchRow.TABLE_ORDER.forEach(r -> byRow.put(r, new ArrayList<>()));
    changes.forEach(c -> c.watch().forEach(w -> byRow.get(w.metric()).add(w.why())));
    List<WatchRow> rows = new ArrayList<>();
    byRow.forEach((metric, why) -> {
      if (!why.isEmpty()) {
        rows.add(new WatchRow(metric, String.join("; ", why.stream().distinct().toList())));
      }
    });
    return new Recommendation(need, reason, rows);
  }

  public List<String> watchMetrics() {
    return watch.stream().map(WatchRow::metric).toList();
  }
}
