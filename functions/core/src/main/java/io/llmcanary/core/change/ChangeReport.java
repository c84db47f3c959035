package io.llmcanary.core.change;

import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.config.VersionSpec.ChatTurn;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a rollout changes: the typed differences between its stable and canary versions, and what they call for
 * (whether a canary is needed, and which comparison-table rows to watch). A pure function of the two versions
 * and the config's pricing, so {@code canaryctl start}, the audit trail, {@code status} and the first alert can
 * all say the same thing.
 *
 * <p>Fields compared: system prompt, few-shot examples, model (with the price ratio), provider, temperature and
 * max tokens: everything a version holds. A response format is not part of a version (the client asks for JSON
 * per request), so no change of it can come from a rollout config.
 */
public record ChangeReport(List<Change> changes, Recommendation recommendation) {

  public ChangeReport {
    changes = List.copyOf(changes);
  }

  /** The changes from {@code stable} to {@code canary}; {@code pricing} gives the models' prices. */
  public static ChangeReport compare(VersionSpec stable, VersionSpec canary, Map<String, ModelPrice> pricing) {
    List<Change> changes = new ArrayList<>();
    String sp = nullToEmpty(stable.systemPrompt());
    String cp = nullToEmpty(canary.systemPrompt());
    if (!sp.equals(cp)) {
      EditDistance d = EditDistance.between(sp, cp);
      changes.add(new Change.SystemPrompt(sp.length(), cp.length(), d.distance(), d.exact()));
    }
    if (!stable.fewShot().equals(canary.fewShot())) {
      changes.add(fewShot(stable.fewShot(), canary.fewShot()));
    }
    if (!nullToEmpty(stable.model()).equals(nullToEmpty(canary.model()))) {
      changes.add(new Change.Model(stable.model(), canary.model(), ModelLine.same(stable.model(), canary.model()),
          pricing(stable.model(), canary.model(), pricing == null ? Map.of() : pricing)));
    }
    if (!stable.provider().equals(canary.provider())) {
      changes.add(new Change.Provider(stable.provider(), canary.provider()));
    }
    if (Double.compare(stable.temperature(), canary.temperature()) != 0) {
      changes.add(new Change.Temperature(stable.temperature(), canary.temperature()));
    }
    if (stable.maxTokens() != canary.maxTokens()) {
      changes.add(new Change.MaxTokens(stable.maxTokens(), canary.maxTokens()));
    }
    return new ChangeReport(changes, Recommendation.of(changes));
  }

  /** The changes of a config's canary over its stable; empty when the config lacks either version. */
  public static Optional<ChangeReport> of(RolloutConfig config) {
    Optional<VersionSpec> stable = config.version(Variant.STABLE);
    Optional<VersionSpec> canary = config.version(Variant.CANARY);
    if (stable.isEmpty() || canary.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(compare(stable.get(), canary.get(), config.pricing()));
  }

  /** Stable and canary are the same version: an A/A rollout, or a change that is not in the config. */
  public boolean identical() {
    return changes.isEmpty();
  }

  public CanaryNeed need() {
    return recommendation.need();
  }

  /**
   * A few lines for a person about to start or approve the rollout: each change with its size, the
   * recommendation with its reason, the rows to watch with why. Ends with a newline.
   */
  public String render() {
    StringBuilder b = new StringBuilder();
    if (identical()) {
      b.append("Changes (stable → canary): none, the two versions are identical\n");
    } else {
      b.append("Changes (stable → canary):\n");
      changes.forEach(c -> b.append("  - ").append(c.summary()).append('\n'));
    }
    b.append("Recommendation: ").append(recommendation.need().text()).append(": ").append(recommendation.reason())
        .append('\n');
    if (!recommendation.watch().isEmpty()) {
      b.append("Watch in the comparison table:\n");
      recommendation.watch().forEach(w -> b.append(String.format(Locale.ROOT, "  %-12s %s\n", w.metric(), w.why())));
    }
    return b.toString();
  }

  /**
   * One line for alerts and the audit trail, e.g. {@code system prompt edited 44%, few-shot +1; canary needed;
   * watch avg_quality, avg_cost}.
   */
  public String oneLine() {
    if (identical()) {
      return "no change (identical versions); " + recommendation.need().text();
    }
    StringBuilder b = new StringBuilder(String.join(", ", changes.stream().map(Change::label).toList()));
    b.append("; ").append(recommendation.need().text());
    if (!recommendation.watch().isEmpty()) {
      b.append("; watch ").append(String.join(", ", recommendation.watchMetrics()));
    }
    return b.toString();
  }

  private static ModelPricing pricing(String stable, String canary, Map<String, ModelPrice> pricing) {
    ModelPrice s = pricing.get(stable);
    ModelPrice c = pricing.get(canary);
    if (s != null && c != null) {
      return new ModelPricing.Known(s, c);
    }
    List<String> missing = new ArrayList<>();
    if (c == null) {
      missing.add(canary);
    }
    if (s == null) {
      missing.add(stable);
    }
    return new ModelPricing.Missing(missing);
  }

  /** A user turn and the assistant turns after it (a leading assistant turn makes an example of its own). */
  private record Example(String prompt, List<ChatTurn> turns) {}

  private static List<Example> examples(List<ChatTurn> turns) {
    List<Example> out = new ArrayList<>();
    List<ChatTurn> current = null;
    for (ChatTurn t : turns) {
      if (current == null || "user".equals(t.role())) {
        current = new ArrayList<>();
        out.add(new Example("user".equals(t.role()) ? nullToEmpty(t.content()) : "", current));
      }
      current.add(t);
    }
    return out;
  }

  private static Change.FewShot fewShot(List<ChatTurn> stableTurns, List<ChatTurn> canaryTurns) {
    List<Example> stable = examples(stableTurns);
    List<Example> canary = examples(canaryTurns);
    Map<String, Deque<Integer>> byPrompt = new HashMap<>();
    for (int i = 0; i < stable.size(); i++) {
      byPrompt.computeIfAbsent(stable.get(i).prompt(), k -> new ArrayDeque<>()).add(i);
    }
    int added = 0;
    int changed = 0;
    int matched = 0;
    boolean reordered = false;
    int lastStableIndex = -1;
    for (Example e : canary) {
      Deque<Integer> same = byPrompt.get(e.prompt());
      if (same == null || same.isEmpty()) {
        added++;
        continue;
      }
      int i = same.poll();
      matched++;
      if (!stable.get(i).turns().equals(e.turns())) {
        changed++;
      }
      reordered |= i < lastStableIndex;
      lastStableIndex = i;
    }
    return new Change.FewShot(stable.size(), canary.size(), added, stable.size() - matched, changed, reordered,
        chars(stableTurns), chars(canaryTurns));
  }

  private static int chars(List<ChatTurn> turns) {
    return turns.stream().mapToInt(t -> nullToEmpty(t.content()).length()).sum();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
