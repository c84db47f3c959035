package io.llmcanary.core.change;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One difference between the stable and the canary version of a rollout config, typed by what it changes. Each
 * says how much it needs a canary (the article's table: a system prompt rewrite, few-shot examples and a model
 * swap do, a temperature change maybe, a max-tokens change does not) and which comparison-table rows it moves.
 */
public sealed interface Change {

  /** How much this change needs a canary. */
  CanaryNeed need();

  /** Why, in the article's terms: "high risk, affects all outputs". */
  String why();

  /** What changed, in one phrase with its size: "system prompt edited: 44 of 101 characters changed (...)". */
  String summary();

  /** The same, shorter, for one-line forms: "system prompt edited 44%". */
  String label();

  /** The comparison-table rows this change is likely to move. */
  List<WatchRow> watch();

  /**
   * The system prompt differs.
   *
   * @param editDistance characters inserted, deleted or replaced (Levenshtein); an upper bound when not exact
   */
  record SystemPrompt(int stableChars, int canaryChars, int editDistance, boolean exact) implements Change {

    /** Share of the longer prompt that the edit touches, 0..1. */
    public double changedShare() {
      int longer = Math.max(stableChars, canaryChars);
      return longer == 0 ? 0 : Math.min(1.0, (double) editDistance / longer);
    }

    /** Half or more of the prompt changed: the article's "system prompt rewrite". */
    public boolean rewrite() {
      return changedShare() >= 0.5;
    }

    @Override
    public CanaryNeed need() {
      return CanaryNeed.CANARY_NEEDED;
    }

    @Override
    public String why() {
      return rewrite() ? "a system prompt rewrite is high risk: it affects all outputs"
          : "a system prompt edit, however small, affects all outputs";
    }

    @Override
    public String summary() {
      return String.format(Locale.ROOT, "system prompt %s: %s%d of %d characters changed, %d%% (%d → %d characters)",
          rewrite() ? "rewritten" : "edited", exact ? "" : "at most ", editDistance, Math.max(stableChars, canaryChars),
          Math.round(changedShare() * 100), stableChars, canaryChars);
    }

    @Override
    public String label() {
      return String.format(Locale.ROOT, "system prompt %s %d%%", rewrite() ? "rewritten" : "edited",
          Math.round(changedShare() * 100));
    }

    @Override
    public List<WatchRow> watch() {
      List<WatchRow> rows = new ArrayList<>();
      rows.add(new WatchRow(WatchRow.QUALITY, "the system prompt shapes every answer"));
      String length = lengthChange(stableChars, canaryChars);
      if (length != null) {
        rows.add(new WatchRow(WatchRow.COST, "system prompt " + length + ", sent as input with every request"));
      }
      return rows;
    }
  }

  /**
   * The few-shot examples differ. An example is a user turn with the assistant turns that follow it; examples
   * are matched by their user turn, so an example whose answer changed counts as changed, not removed and added.
   *
   * @param reordered the examples both versions share come in another order
   * @param stableChars characters of all few-shot turns of stable (sent as input with every request)
   */
  record FewShot(int stableExamples, int canaryExamples, int added, int removed, int changed, boolean reordered,
      int stableChars, int canaryChars) implements Change {

    @Override
    public CanaryNeed need() {
      return CanaryNeed.CANARY_NEEDED;
    }

    @Override
    public String why() {
      return "few-shot examples can change behaviour unpredictably";
    }

    @Override
    public String summary() {
      List<String> p = new ArrayList<>();
      if (added > 0) {
        p.add(added + " added");
      }
      if (removed > 0) {
        p.add(removed + " removed");
      }
      if (changed > 0) {
        p.add(changed + " changed");
      }
      if (reordered) {
        p.add("reordered");
      }
      return "few-shot examples: " + String.join(", ", p) + " (" + stableExamples + " → " + canaryExamples
          + " examples)";
    }

    @Override
    public String label() {
      StringBuilder b = new StringBuilder("few-shot");
      if (added > 0) {
        b.append(" +").append(added);
      }
      if (removed > 0) {
        b.append(" -").append(removed);
      }
      if (changed > 0) {
        b.append(" ~").append(changed);
      }
      if (reordered) {
        b.append(" reordered");
      }
      return b.toString();
    }

    @Override
    public List<WatchRow> watch() {
      List<WatchRow> rows = new ArrayList<>();
      rows.add(new WatchRow(WatchRow.QUALITY, "examples steer the form and content of answers"));
      String length = lengthChange(stableChars, canaryChars);
      if (length != null) {
        rows.add(new WatchRow(WatchRow.COST, "few-shot examples " + length + ", sent as input with every request"));
      }
      return rows;
    }
  }

  /**
   * The model differs.
   *
   * @param sameLine the same model line in another version (Sonnet 3.5 → Sonnet 4), not a swap (Sonnet → DeepSeek)
   * @param pricing  both prices and their ratio, or which model has none
   */
  record Model(String stable, String canary, boolean sameLine, ModelPricing pricing) implements Change {

    @Override
    public CanaryNeed need() {
      return CanaryNeed.CANARY_NEEDED;
    }

    @Override
    public String why() {
      return sameLine ? "a new version of the same model behaves differently"
          : "a model swap means a different model, different behaviour";
    }

    @Override
    public String summary() {
      return (sameLine ? "model updated within its line: " : "model swapped: ") + stable + " → " + canary + "; "
          + pricing.text();
    }

    @Override
    public String label() {
      String price = switch (pricing) {
        case ModelPricing.Known k when k.unchanged() -> "";
        case ModelPricing.Known k -> " (" + pricing.text() + ")";
        case ModelPricing.Missing m -> " unpriced";
      };
      return (sameLine ? "model update " : "model swap ") + stable + " → " + canary + price;
    }

    @Override
    public List<WatchRow> watch() {
      List<WatchRow> rows = new ArrayList<>();
      rows.add(new WatchRow(WatchRow.QUALITY, sameLine ? "a new model version answers differently"
          : "a different model answers differently"));
      rows.add(new WatchRow(WatchRow.LATENCY, "another model answers at another speed"));
      switch (pricing) {
        case ModelPricing.Known k when k.unchanged() && sameLine -> { }
        case ModelPricing.Known k when k.unchanged() -> rows.add(new WatchRow(WatchRow.COST,
            "same price per token, but answer lengths differ between models"));
        case ModelPricing.Known k -> rows.add(new WatchRow(WatchRow.COST, pricing.text() + " per token"));
        case ModelPricing.Missing m -> rows.add(new WatchRow(WatchRow.COST, pricing.text()
            + ": its answers count as free, so the row cannot show the change; add the price"));
      }
      if (!sameLine) {
        rows.add(new WatchRow(WatchRow.ERRORS, "another model has other failures, refusals and limits"));
      }
      return rows;
    }
  }

  /** Another chat-model adapter serves the canary ({@code bedrock}, {@code openai}, {@code offline}). */
  record Provider(String stable, String canary) implements Change {

    @Override
    public CanaryNeed need() {
      return CanaryNeed.CANARY_NEEDED;
    }

    @Override
    public String why() {
      return "another provider serves the model: its own behaviour, latency and errors";
    }

    @Override
    public String summary() {
      return "provider: " + stable + " → " + canary;
    }

    @Override
    public String label() {
      return "provider " + stable + " → " + canary;
    }

    @Override
    public List<WatchRow> watch() {
      return List.of(new WatchRow(WatchRow.QUALITY, "another endpoint may answer differently"),
          new WatchRow(WatchRow.LATENCY, "another endpoint, another network path"),
          new WatchRow(WatchRow.ERRORS, "another endpoint has its own throttling and failures"));
    }
  }

  /** The sampling temperature differs. */
  record Temperature(double stable, double canary) implements Change {

    @Override
    public CanaryNeed need() {
      return CanaryNeed.MAYBE;
    }

    @Override
    public String why() {
      return "a temperature change is low risk but can affect consistency";
    }

    @Override
    public String summary() {
      return "temperature: " + num(stable) + " → " + num(canary);
    }

    @Override
    public String label() {
      return "temperature " + num(stable) + " → " + num(canary);
    }

    @Override
    public List<WatchRow> watch() {
      return List.of(new WatchRow(WatchRow.QUALITY, canary > stable
          ? "consistency: higher temperature, answers vary more" : "consistency: lower temperature, answers vary less"));
    }
  }

  /** The answer cap differs. */
  record MaxTokens(int stable, int canary) implements Change {

    @Override
    public CanaryNeed need() {
      return CanaryNeed.NOT_NEEDED;
    }

    @Override
    public String why() {
      return "a max-tokens change has a predictable effect: test it offline";
    }

    @Override
    public String summary() {
      return "max tokens: " + stable + " → " + canary + (canary < stable ? " (lower cap)" : " (higher cap)");
    }

    @Override
    public String label() {
      return "max tokens " + stable + " → " + canary;
    }

    @Override
    public List<WatchRow> watch() {
      if (canary < stable) {
        return List.of(new WatchRow(WatchRow.QUALITY, "truncation: answers cut off at " + canary
                + " tokens fail the automatic check and score 0"),
            new WatchRow(WatchRow.COST, "output capped lower"));
      }
      return List.of(new WatchRow(WatchRow.COST, "longer answers allowed, up to " + canary + " tokens"),
          new WatchRow(WatchRow.LATENCY, "longer answers take longer"));
    }
  }

  /** "77% longer", "20% shorter", or null when within 10%: the input tokens a text adds to every request. */
  private static String lengthChange(int stableChars, int canaryChars) {
    if (stableChars == 0 && canaryChars == 0) {
      return null;
    }
    if (stableChars == 0) {
      return "new (" + canaryChars + " characters)";
    }
    double ratio = (double) canaryChars / stableChars;
    if (Math.abs(ratio - 1) < 0.10) {
      return null;
    }
    long pct = Math.round(Math.abs(ratio - 1) * 100);
    return pct + "% " + (ratio > 1 ? "longer" : "shorter") + " (" + stableChars + " → " + canaryChars + " characters)";
  }

  private static String num(double d) {
    return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
  }
}
