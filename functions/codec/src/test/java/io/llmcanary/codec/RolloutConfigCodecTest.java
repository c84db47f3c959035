package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.codec.RolloutConfigCodec.Parsed;
import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.RolloutConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RolloutConfigCodecTest {

  static String example() throws Exception {
    return Files.readString(Path.of(System.getProperty("canary.root", "../.."), "infrastructure/appconfig/rollout-config.example.json"));
  }

  private static ConfigError onlyError(String json) {
    Parsed p = RolloutConfigCodec.parse(json);
    assertThat(p).isInstanceOf(Parsed.Invalid.class);
    assertThat(((Parsed.Invalid) p).errors()).hasSize(1);
    return ((Parsed.Invalid) p).errors().get(0);
  }

  @Test
  void theExampleConfigInInfrastructureIsValid() throws Exception {
    RolloutConfig c = RolloutConfigCodec.parseOrThrow(example());
    assertThat(c.rolloutId()).isEqualTo("concise-2026-11-26");
    assertThat(c.canaryBasisPoints()).isEqualTo(500);
    assertThat(c.versions().get("canary").fewShot()).hasSize(2);
  }

  @Test
  void guardrailsGivenInPartKeepTheDefaultsForTheRest() throws Exception {
    Guardrails g = RolloutConfigCodec.parseOrThrow(example()).guardrails();
    Guardrails d = Guardrails.defaults();
    assertThat(g.rollbackQualityRatio()).isEqualTo(0.90);
    assertThat(g.minRequests()).isEqualTo(d.minRequests());
    assertThat(g.hardCeilingErrorRate()).isEqualTo(d.hardCeilingErrorRate());
  }

  @Test
  void writingAndReadingAConfigGivesTheSameConfig() throws Exception {
    RolloutConfig c = RolloutConfigCodec.parseOrThrow(example());
    assertThat(RolloutConfigCodec.parseOrThrow(RolloutConfigCodec.write(c))).isEqualTo(c);
  }

  @Test
  void theQualityJudgeGivenInPartKeepsTheDefaultsForTheRest() throws Exception {
    QualityJudgeConfig q = RolloutConfigCodec.parseOrThrow(example()).qualityJudge();
    assertThat(q.judgeMode()).isEqualTo(QualityJudgeConfig.Mode.PAIRWISE);
    assertThat(q.sampleRate()).isEqualTo(0.75);
    assertThat(q.model()).isEqualTo("anthropic.claude-3-5-haiku-20241022-v1:0");
    assertThat(q.rubric()).isEqualTo(QualityJudgeConfig.DEFAULT_RUBRIC).contains("Helpfulness", "Correctness", "Safety");
  }

  @Test
  void aConfigWithoutAQualityJudgeHasItOff() throws Exception {
    String without = example().replaceAll("(?s)\"qualityJudge\": \\{.*?\\},\n", "");
    assertThat(without).doesNotContain("qualityJudge");
    assertThat(RolloutConfigCodec.parseOrThrow(without).qualityJudge().enabled()).isFalse();
  }

  @Test
  void anUnknownQualityJudgeModeOrRateIsRefused() throws Exception {
    ConfigError mode = onlyError(example().replace("\"mode\": \"pairwise\"", "\"mode\": \"sometimes\""));
    assertThat(mode.field()).isEqualTo("qualityJudge.mode");
    ConfigError rate = onlyError(example().replace("\"sampleRate\": 0.75", "\"sampleRate\": 1.5"));
    assertThat(rate.field()).isEqualTo("qualityJudge.sampleRate");
  }

  @Test
  void malformedJsonSaysWhere() {
    ConfigError e = onlyError("{\"schemaVersion\": 1,\n \"rolloutId\": }");
    assertThat(e.rule()).isEqualTo("json");
    assertThat(e.message()).contains("line 2");
  }

  @Test
  void aSchemaViolationNamesTheNestedField() throws Exception {
    ConfigError e = onlyError(example().replace("\"maxTokens\": 1024\n    },\n    \"canary\"", "\"maxTokens\": 0\n    },\n    \"canary\""));
    assertThat(e.field()).isEqualTo("versions.stable.maxTokens");
    assertThat(e.rule()).isEqualTo("minimum");
  }

  @Test
  void aMissingRequiredFieldIsNamedItself() throws Exception {
    ConfigError e = onlyError(example().replace("\"rolloutId\": \"concise-2026-11-26\",", ""));
    assertThat(e.field()).isEqualTo("rolloutId");
    assertThat(e.rule()).isEqualTo("required");
  }

  @Test
  void anUnknownFieldIsRefusedSoTyposDoNotPassSilently() throws Exception {
    ConfigError e = onlyError(example().replace("\"canaryPercent\": 5,", "\"canaryPercent\": 5, \"canaryPrecent\": 50,"));
    assertThat(e.field()).isEqualTo("canaryPrecent");
    assertThat(e.rule()).isEqualTo("additionalProperties");
  }

  @Test
  void crossFieldRulesRunAfterTheSchema() throws Exception {
    ConfigError e = onlyError(example().replace("\"anthropic.claude-3-5-sonnet-20240620-v1:0\": {\"inputPerMTok\"", "\"other\": {\"inputPerMTok\""));
    assertThat(e.field()).isEqualTo("pricing.anthropic.claude-3-5-sonnet-20240620-v1:0");
  }

  @Test
  void aPercentFinerThanOneBasisPointIsRefused() throws Exception {
    ConfigError e = onlyError(example().replace("\"canaryPercent\": 5,", "\"canaryPercent\": 5.001,"));
    assertThat(e.field()).isEqualTo("canaryPercent");
  }
}
