package io.llmcanary.core.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.config.VersionSpec.ChatTurn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChangeReportTest {

  static final String SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static final String DEEPSEEK = "deepseek.r1-v1:0";
  static final Map<String, ModelPrice> PRICING = Map.of(SONNET, new ModelPrice(3.0, 15.0),
      DEEPSEEK, new ModelPrice(1.35, 5.4));
  static final String PROMPT = "You are a helpful assistant for Example Corp's customers.";
  static final List<ChatTurn> ONE_EXAMPLE = List.of(new ChatTurn("user", "How do I reset my password?"),
      new ChatTurn("assistant", "Open Settings > Security and choose Reset password."));

  static VersionSpec stable() {
    return new VersionSpec(SONNET, "bedrock", PROMPT, List.of(), 0.7, 1024);
  }

  static VersionSpec with(String model, String prompt, List<ChatTurn> fewShot, double temperature, int maxTokens) {
    return new VersionSpec(model, "bedrock", prompt, fewShot, temperature, maxTokens);
  }

  static ChangeReport compare(VersionSpec canary) {
    return ChangeReport.compare(stable(), canary, PRICING);
  }

  /** The source article's "When to use canary deploys" table, one test per row. */
  @Nested
  class TheArticlesTable {

    @Test
    void aSystemPromptRewriteNeedsACanaryAndWatchesQuality() {
      ChangeReport r = compare(with(SONNET, "Reply in formal French, in at most two sentences, citing the manual.",
          List.of(), 0.7, 1024));

      assertThat(r.changes()).singleElement().isInstanceOfSatisfying(Change.SystemPrompt.class, p -> {
        assertThat(p.rewrite()).isTrue();
        assertThat(p.exact()).isTrue();
      });
      assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
      assertThat(r.recommendation().reason()).contains("rewrite is high risk").contains("affects all outputs");
      assertThat(r.recommendation().watchMetrics()).startsWith(WatchRow.QUALITY);
    }

    @Test
    void addingFewShotExamplesNeedsACanaryAndWatchesQualityAndTheInputCost() {
      ChangeReport r = compare(with(SONNET, PROMPT, ONE_EXAMPLE, 0.7, 1024));

      assertThat(r.changes()).singleElement().isEqualTo(new Change.FewShot(0, 1, 1, 0, 0, false, 0, 78));
      assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
      assertThat(r.recommendation().reason()).isEqualTo("few-shot examples can change behaviour unpredictably");
      assertThat(r.recommendation().watchMetrics()).containsExactly(WatchRow.QUALITY, WatchRow.COST);
    }

    @Test
    void aModelSwapNeedsACanaryAndWatchesCostAndLatencyAsWellAsQuality() {
      ChangeReport r = compare(with(DEEPSEEK, PROMPT, List.of(), 0.7, 1024));

      assertThat(r.changes()).singleElement().isInstanceOfSatisfying(Change.Model.class, m -> {
        assertThat(m.sameLine()).isFalse();
        assertThat(m.pricing()).isInstanceOfSatisfying(ModelPricing.Known.class, k -> {
          assertThat(k.inputRatio()).isEqualTo(0.45, org.assertj.core.data.Offset.offset(1e-9));
          assertThat(k.outputRatio()).isEqualTo(0.36, org.assertj.core.data.Offset.offset(1e-9));
        });
      });
      assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
      assertThat(r.recommendation().reason()).contains("different model, different behaviour");
      assertThat(r.recommendation().watchMetrics())
          .containsExactly(WatchRow.QUALITY, WatchRow.LATENCY, WatchRow.COST, WatchRow.ERRORS);
      assertThat(r.recommendation().watch()).filteredOn(w -> w.metric().equals(WatchRow.COST)).singleElement()
          .extracting(WatchRow::why).asString().contains("×0.45 input, ×0.36 output");
    }

    @Test
    void aTemperatureChangeIsAMaybeAndWatchesConsistency() {
      ChangeReport r = compare(with(SONNET, PROMPT, List.of(), 0.2, 1024));

      assertThat(r.changes()).containsExactly(new Change.Temperature(0.7, 0.2));
      assertThat(r.need()).isEqualTo(CanaryNeed.MAYBE);
      assertThat(r.recommendation().reason()).contains("low risk but can affect consistency");
      assertThat(r.recommendation().watch()).singleElement().satisfies(w -> {
        assertThat(w.metric()).isEqualTo(WatchRow.QUALITY);
        assertThat(w.why()).startsWith("consistency");
      });
    }

    @Test
    void aMaxTokensChangeNeedsNoCanaryAndWatchesTruncationAndCost() {
      ChangeReport r = compare(with(SONNET, PROMPT, List.of(), 0.7, 256));

      assertThat(r.changes()).containsExactly(new Change.MaxTokens(1024, 256));
      assertThat(r.need()).isEqualTo(CanaryNeed.NOT_NEEDED);
      assertThat(r.recommendation().reason()).contains("predictable effect").contains("test it offline");
      assertThat(r.recommendation().watch()).extracting(WatchRow::metric).containsExactly(WatchRow.QUALITY, WatchRow.COST);
      assertThat(r.recommendation().watch().get(0).why()).contains("truncation").contains("256 tokens");
    }

    @Test
    void aBugFixInCodeLeavesTheVersionsIdenticalAndNeedsNoCanary() {
      ChangeReport r = compare(stable());

      assertThat(r.identical()).isTrue();
      assertThat(r.need()).isEqualTo(CanaryNeed.NOT_NEEDED);
      assertThat(r.recommendation().reason()).contains("identical").contains("standard deploy process");
      assertThat(r.recommendation().watch()).isEmpty();
    }
  }

  @Test
  void identicalVersionsSayNoChangeInBothForms() {
    ChangeReport r = compare(with(SONNET, PROMPT, List.of(), 0.7, 1024));

    assertThat(r.changes()).isEmpty();
    assertThat(r.oneLine()).isEqualTo("no change (identical versions); canary not needed");
    assertThat(r.render()).startsWith("Changes (stable → canary): none, the two versions are identical\n")
        .contains("Recommendation: canary not needed: stable and canary are identical")
        .doesNotContain("Watch in the comparison table");
  }

  @Test
  void severalChangesAtOnceTakeTheHighestNeedAndMergeTheRowsToWatchInTableOrder() {
    ChangeReport r = compare(with(DEEPSEEK, PROMPT + " Be brief.", ONE_EXAMPLE, 0.3, 512));

    assertThat(r.changes()).extracting(c -> c.getClass().getSimpleName())
        .containsExactly("SystemPrompt", "FewShot", "Model", "Temperature", "MaxTokens");
    assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
    // the reason is what sets the need; the maybe and the not-needed change do not dilute it
    assertThat(r.recommendation().reason()).contains("system prompt").contains("few-shot").contains("model swap")
        .doesNotContain("temperature").doesNotContain("max-tokens");
    assertThat(r.recommendation().watchMetrics())
        .containsExactly(WatchRow.QUALITY, WatchRow.LATENCY, WatchRow.COST, WatchRow.ERRORS);
    WatchRow quality = r.recommendation().watch().get(0);
    assertThat(quality.why()).contains("system prompt").contains("examples").contains("different model")
        .contains("consistency").contains("truncation");
    assertThat(r.oneLine()).isEqualTo("system prompt edited 15%, few-shot +1, model swap " + SONNET + " → " + DEEPSEEK
        + " (price ×0.45 input, ×0.36 output), temperature 0.7 → 0.3, max tokens 1024 → 512; canary needed;"
        + " watch avg_quality, p95_latency, avg_cost, error_rate");
    assertThat(r.render().lines()).contains("  - max tokens: 1024 → 512 (lower cap)", "  - temperature: 0.7 → 0.3");
  }

  @Test
  void aMaybeAndANotNeededChangeTogetherAreAMaybe() {
    ChangeReport r = compare(with(SONNET, PROMPT, List.of(), 1.0, 2048));

    assertThat(r.need()).isEqualTo(CanaryNeed.MAYBE);
    assertThat(r.recommendation().watchMetrics()).containsExactly(WatchRow.QUALITY, WatchRow.LATENCY, WatchRow.COST);
  }

  @Test
  void aNewModelWithoutAPriceIsNamedAndTheCostRowSaysItCannotShowTheChange() {
    String unpriced = "meta.llama3-70b-instruct-v1:0";
    ChangeReport r = compare(with(unpriced, PROMPT, List.of(), 0.7, 1024));

    assertThat(r.changes()).singleElement().isInstanceOfSatisfying(Change.Model.class, m ->
        assertThat(m.pricing()).isEqualTo(new ModelPricing.Missing(List.of(unpriced))));
    assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
    assertThat(r.recommendation().watch()).filteredOn(w -> w.metric().equals(WatchRow.COST)).singleElement()
        .extracting(WatchRow::why).asString()
        .contains("no price for " + unpriced + " in pricing").contains("count as free").contains("add the price");
    assertThat(r.oneLine()).contains("model swap " + SONNET + " → " + unpriced + " unpriced");
  }

  @Test
  void aNewVersionOfTheSameModelLineIsAnUpdateNotASwapAndStillNeedsACanary() {
    String sonnet4 = "us.anthropic.claude-sonnet-4-20250514-v1:0";
    Map<String, ModelPrice> pricing = Map.of(SONNET, new ModelPrice(3, 15), sonnet4, new ModelPrice(3, 15));
    ChangeReport r = ChangeReport.compare(stable(), with(sonnet4, PROMPT, List.of(), 0.7, 1024), pricing);

    assertThat(r.changes()).singleElement().isInstanceOfSatisfying(Change.Model.class, m -> {
      assertThat(m.sameLine()).isTrue();
      assertThat(m.summary()).startsWith("model updated within its line").endsWith("price unchanged");
    });
    assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
    // same price, same line: no cost row, no error row
    assertThat(r.recommendation().watchMetrics()).containsExactly(WatchRow.QUALITY, WatchRow.LATENCY);
  }

  @Test
  void aOneWordEditIsSizedExactlyAndStillNeedsACanary() {
    ChangeReport r = compare(with(SONNET, PROMPT.replace("helpful", "friendly"), List.of(), 0.7, 1024));

    Change.SystemPrompt p = (Change.SystemPrompt) r.changes().get(0);
    assertThat(p.editDistance()).isEqualTo(7); // helpful -> friendly: 7 substitutions and insertions
    assertThat(p.rewrite()).isFalse();
    assertThat(p.summary()).isEqualTo("system prompt edited: 7 of 58 characters changed, 12% (57 → 58 characters)");
    assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
    assertThat(r.recommendation().reason()).contains("however small");
  }

  @Test
  void fewShotExamplesAreMatchedByTheirUserTurn() {
    List<ChatTurn> stable = List.of(new ChatTurn("user", "a?"), new ChatTurn("assistant", "A."),
        new ChatTurn("user", "b?"), new ChatTurn("assistant", "B."),
        new ChatTurn("user", "c?"), new ChatTurn("assistant", "C."));
    List<ChatTurn> canary = List.of(new ChatTurn("user", "c?"), new ChatTurn("assistant", "C, shorter."),
        new ChatTurn("user", "a?"), new ChatTurn("assistant", "A."),
        new ChatTurn("user", "d?"), new ChatTurn("assistant", "D."));
    ChangeReport r = ChangeReport.compare(with(SONNET, PROMPT, stable, 0.7, 1024), with(SONNET, PROMPT, canary, 0.7, 1024),
        PRICING);

    assertThat(r.changes()).singleElement().isInstanceOfSatisfying(Change.FewShot.class, f -> {
      assertThat(f.added()).isEqualTo(1);    // d
      assertThat(f.removed()).isEqualTo(1);  // b
      assertThat(f.changed()).isEqualTo(1);  // c's answer
      assertThat(f.reordered()).isTrue();    // c now before a
      assertThat(f.summary()).isEqualTo("few-shot examples: 1 added, 1 removed, 1 changed, reordered (3 → 3 examples)");
      assertThat(f.label()).isEqualTo("few-shot +1 -1 ~1 reordered");
    });
  }

  @Test
  void aProviderChangeNeedsACanaryAndWatchesLatencyAndErrors() {
    VersionSpec canary = new VersionSpec(SONNET, "openai", PROMPT, List.of(), 0.7, 1024);
    ChangeReport r = compare(canary);

    assertThat(r.changes()).containsExactly(new Change.Provider("bedrock", "openai"));
    assertThat(r.need()).isEqualTo(CanaryNeed.CANARY_NEEDED);
    assertThat(r.recommendation().watchMetrics()).containsExactly(WatchRow.QUALITY, WatchRow.LATENCY, WatchRow.ERRORS);
  }

  @Test
  void aConfigWithoutACanaryHasNoReportAndOneWithBothIsCompared() {
    RolloutConfig both = new RolloutConfig(1, "chat", "r", 5, null,
        Map.of("stable", stable(), "canary", with(SONNET, PROMPT, List.of(), 0.7, 512)), PRICING, null, null, false);

    assertThat(ChangeReport.of(both.withVersions(Map.of("stable", stable())))).isEmpty();
    assertThat(ChangeReport.of(both)).get().extracting(ChangeReport::changes).asList()
        .containsExactly(new Change.MaxTokens(1024, 512));
  }

  @Test
  void theMultiLineFormListsChangesRecommendationAndRowsToWatch() {
    ChangeReport r = compare(with(SONNET, PROMPT, List.of(), 0.7, 256));

    assertThat(r.render()).isEqualTo("""
        Changes (stable → canary):
          - max tokens: 1024 → 256 (lower cap)
        Recommendation: canary not needed: a max-tokens change has a predictable effect: test it offline
        Watch in the comparison table:
          avg_quality  truncation: answers cut off at 256 tokens fail the automatic check and score 0
          avg_cost     output capped lower
        """);
    assertThat(r.oneLine()).isEqualTo("max tokens 1024 → 256; canary not needed; watch avg_quality, avg_cost");
  }
}
