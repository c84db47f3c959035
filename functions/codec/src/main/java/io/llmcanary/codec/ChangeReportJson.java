package io.llmcanary.codec;

import io.llmcanary.core.change.Change;
import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.change.ModelPricing;
import io.llmcanary.core.change.WatchRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ChangeReport} as plain maps and lists for JSON output ({@code canaryctl start --json}, {@code status
 * --json}; the same shape suits an API answer or an audit record):
 *
 * <pre>
 * {"identical": false, "summary": "one line", "need": "CANARY_NEEDED",
 *  "changes": [{"kind": "systemPrompt", "need": ..., "summary": ..., ...the change's own fields}],
 *  "recommendation": {"need": ..., "reason": ..., "watch": [{"metric": "avg_quality", "why": ...}]}}
 * </pre>
 */
public final class ChangeReportJson {

  private ChangeReportJson() {}

  public static Map<String, Object> toMap(ChangeReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("identical", r.identical());
    m.put("summary", r.oneLine());
    m.put("need", r.need().name());
    m.put("changes", r.changes().stream().map(ChangeReportJson::change).toList());
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("need", r.recommendation().need().name());
    rec.put("reason", r.recommendation().reason());
    rec.put("watch", watch(r.recommendation().watch()));
    m.put("recommendation", rec);
    return m;
  }

  private static List<Map<String, Object>> watch(List<WatchRow> rows) {
    return rows.stream().map(w -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", w.metric());
      m.put("why", w.why());
      return m;
    }).toList();
  }

  static Map<String, Object> change(Change c) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (c) {
      case Change.SystemPrompt p -> {
        m.put("kind", "systemPrompt");
        m.put("stableChars", p.stableChars());
        m.put("canaryChars", p.canaryChars());
        m.put("editDistance", p.editDistance());
        m.put("editDistanceExact", p.exact());
        m.put("changedShare", Math.round(p.changedShare() * 1000) / 1000.0);
        m.put("rewrite", p.rewrite());
      }
      case Change.FewShot f -> {
        m.put("kind", "fewShot");
        m.put("stableExamples", f.stableExamples());
        m.put("canaryExamples", f.canaryExamples());
        m.put("added", f.added());
        m.put("removed", f.removed());
        m.put("changed", f.changed());
        m.put("reordered", f.reordered());
      }
      case Change.Model mo -> {
        m.put("kind", "model");
        m.put("stable", mo.stable());
        m.put("canary", mo.canary());
        m.put("sameLine", mo.sameLine());
        switch (mo.pricing()) {
          case ModelPricing.Known k -> {
            m.put("inputPriceRatio", finite(k.inputRatio()));
            m.put("outputPriceRatio", finite(k.outputRatio()));
          }
          case ModelPricing.Missing miss -> m.put("unpricedModels", miss.models());
        }
      }
      case Change.Provider p -> {
        m.put("kind", "provider");
        m.put("stable", p.stable());
        m.put("canary", p.canary());
      }
      case Change.Temperature t -> {
        m.put("kind", "temperature");
        m.put("stable", t.stable());
        m.put("canary", t.canary());
      }
      case Change.MaxTokens t -> {
        m.put("kind", "maxTokens");
        m.put("stable", t.stable());
        m.put("canary", t.canary());
      }
    }
    m.put("need", c.need().name());
    m.put("summary", c.summary());
    return m;
  }

  /** JSON has no infinity: a ratio from a free model to a priced one is written as null. */
  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }
}
