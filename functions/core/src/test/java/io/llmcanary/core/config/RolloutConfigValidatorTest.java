package io.llmcanary.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutConfigValidatorTest {

  static RolloutConfig valid() {
    VersionSpec stable = new VersionSpec("anthropic.claude-sonnet", "bedrock", "You are helpful.", List.of(), 0.7, 1024);
    VersionSpec canary = new VersionSpec("deepseek.r1", "bedrock", "You are concise.", List.of(), 0.7, 1024);
    return new RolloutConfig(1, "chat", "concise-2026-11-26", 5, null,
        Map.of("stable", stable, "canary", canary),
        Map.of("anthropic.claude-sonnet", new ModelPrice(3, 15), "deepseek.r1", new ModelPrice(1.35, 5.4)),
        null, null, false);
  }

  private static List<String> fields(RolloutConfig c) {
    return RolloutConfigValidator.validate(c).stream().map(ConfigError::field).toList();
  }

  @Test
  void aCompleteConfigHasNoErrors() {
    assertThat(RolloutConfigValidator.validate(valid())).isEmpty();
  }

  @Test
  void theSaltDefaultsToTheRolloutIdAndPercentIsKeptInBasisPoints() {
    RolloutConfig c = valid().withCanaryPercent(0.25);
    assertThat(c.effectiveSalt()).isEqualTo("concise-2026-11-26");
    assertThat(c.canaryBasisPoints()).isEqualTo(25);
  }

  @Test
  void aCanaryShareWithoutACanaryVersionNamesTheMissingVersion() {
    RolloutConfig c = valid().withVersions(Map.of("stable", valid().versions().get("stable")));
    assertThat(RolloutConfigValidator.validate(c)).singleElement()
        .satisfies(e -> {
          assertThat(e.field()).isEqualTo("versions.canary");
          assertThat(e.rule()).isEqualTo("required");
        });
    assertThat(RolloutConfigValidator.validate(c.withCanaryPercent(0))).isEmpty();
  }

  @Test
  void aModelWithoutAPriceIsNamedWithWhatToAdd() {
    RolloutConfig c = new RolloutConfig(1, "chat", "r", 5, null, valid().versions(),
        Map.of("anthropic.claude-sonnet", new ModelPrice(3, 15)), null, null, false);
    assertThat(RolloutConfigValidator.validate(c)).singleElement()
        .satisfies(e -> {
          assertThat(e.field()).isEqualTo("pricing.deepseek.r1");
          assertThat(e.message()).contains("inputPerMTok");
        });
  }

  @Test
  void outOfRangeValuesNameTheFieldAndTheRule() {
    RolloutConfig c = valid().withCanaryPercent(101);
    assertThat(RolloutConfigValidator.validate(c)).extracting(ConfigError::field, ConfigError::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("canaryPercent", "range"));
    assertThat(fields(valid().withCanaryPercent(5.005))).containsExactly("canaryPercent");
  }

  @Test
  void stagesMustRiseAndEndAtOneHundred() {
    RolloutConfig c = new RolloutConfig(1, "chat", "r", 5, null, valid().versions(), valid().pricing(), null,
        List.of(5.0, 50.0, 25.0, 100.0), false);
    assertThat(fields(c)).containsExactly("stages[2]");
    RolloutConfig d = new RolloutConfig(1, "chat", "r", 5, null, valid().versions(), valid().pricing(), null,
        List.of(5.0, 50.0), false);
    assertThat(fields(d)).containsExactly("stages");
  }

  @Test
  void badVersionFieldsAreEachNamed() {
    VersionSpec bad = new VersionSpec("", "gemini", null, List.of(new VersionSpec.ChatTurn("system", "x")), 3.0, 0);
    RolloutConfig c = valid().withVersions(Map.of("stable", valid().versions().get("stable"), "canary", bad));
    assertThat(fields(c)).containsExactlyInAnyOrder("versions.canary.model", "versions.canary.provider",
        "versions.canary.systemPrompt", "versions.canary.temperature", "versions.canary.maxTokens",
        "versions.canary.fewShot[0].role");
  }

  @Test
  void offlineModelsNeedNoPrice() {
    VersionSpec offline = new VersionSpec("offline-echo", "offline", "", List.of(), null, 256);
    RolloutConfig c = new RolloutConfig(1, null, "demo", 0, null, Map.of("stable", offline), Map.of(), null, null, false);
    assertThat(RolloutConfigValidator.validate(c)).isEmpty();
    assertThat(c.application()).isEqualTo("default");
    assertThat(offline.temperature()).isEqualTo(0.7);
  }

  private static RolloutConfig withCanaryFewShot(String... roles) {
    List<VersionSpec.ChatTurn> turns = java.util.Arrays.stream(roles).map(r -> new VersionSpec.ChatTurn(r, "x")).toList();
    VersionSpec canary = new VersionSpec("deepseek.r1", "bedrock", "You are concise.", turns, 0.7, 1024);
    return valid().withVersions(Map.of("stable", valid().versions().get("stable"), "canary", canary));
  }

  @Test
  void fewShotTurnsThatAlternateFromUserToAssistantAreValid() {
    assertThat(RolloutConfigValidator.validate(withCanaryFewShot("user", "assistant", "user", "assistant"))).isEmpty();
  }

  @Test
  void consecutiveUserTurnsAreRefusedNamingTheSecondOne() {
    assertThat(RolloutConfigValidator.validate(withCanaryFewShot("user", "assistant", "user", "user", "assistant")))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("versions.canary.fewShot[3].role");
          assertThat(e.rule()).isEqualTo("turn-order");
          assertThat(e.message()).contains("second 'user' in a row");
        });
  }

  @Test
  void fewShotTurnsMustStartWithUserAndEndWithAssistant() {
    assertThat(fields(withCanaryFewShot("assistant", "user"))).containsExactly("versions.canary.fewShot[0].role");
    assertThat(fields(withCanaryFewShot("user", "assistant", "user"))).containsExactly("versions.canary.fewShot[2].role");
  }
}
