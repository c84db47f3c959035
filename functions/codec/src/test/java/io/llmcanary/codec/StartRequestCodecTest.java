package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartRequestCodecTest {

  private static final VersionSpec STABLE = new VersionSpec("m-a", "bedrock", "hi", null, 0.7, 256);

  private static RolloutConfig candidate(VersionSpec canary, Map<String, ModelPrice> pricing) {
    return new RolloutConfig(1, "app", "r1", 5, null, Map.of("stable", STABLE, "canary", canary), pricing,
        Guardrails.defaults(), List.of(5.0, 25.0, 50.0, 100.0), false);
  }

  private static StartRequestCodec.Read.Ok ok(String json) throws Exception {
    StartRequestCodec.Read r = StartRequestCodec.read(Json.MAPPER.readTree(json), null, null, "alice", null);
    assertThat(r).isInstanceOf(StartRequestCodec.Read.Ok.class);
    return (StartRequestCodec.Read.Ok) r;
  }

  @Test
  void aPlainVersionObjectIsTheCanary() throws Exception {
    var ok = ok("{\"model\": \"m-a\", \"systemPrompt\": \"be brief\", \"maxTokens\": 300}");
    assertThat(ok.request().canary().systemPrompt()).isEqualTo("be brief");
    assertThat(ok.check().check(candidate(ok.request().canary(), Map.of("m-a", new ModelPrice(3, 15))))).isEmpty();
  }

  @Test
  void aMisspeltFieldIsNamedByTheSchemaNotDropped() throws Exception {
    var ok = ok("{\"model\": \"m-a\", \"systemPromt\": \"be brief\", \"maxTokens\": 300}");
    List<ConfigError> errors = ok.check().check(candidate(ok.request().canary(), Map.of("m-a", new ModelPrice(3, 15))));
    assertThat(errors).extracting(ConfigError::field).contains("versions.canary.systemPromt");
  }

  @Test
  void anEnvelopeCarriesPricingStagesAndTheRolloutId() throws Exception {
    var ok = ok("""
        {"rolloutId": "ds-1", "canary": {"model": "deepseek", "systemPrompt": "x", "maxTokens": 100},
         "pricing": {"deepseek": {"inputPerMTok": 0.5, "outputPerMTok": 1.5}}, "stages": [10, 50, 100]}""");
    assertThat(ok.request().rolloutId()).isEqualTo("ds-1");
    assertThat(ok.request().pricing()).containsKey("deepseek");
    assertThat(ok.request().stages()).containsExactly(10.0, 50.0, 100.0);
  }

  @Test
  void anUnknownEnvelopeFieldOrANonObjectIsRefused() throws Exception {
    StartRequestCodec.Read r = StartRequestCodec.read(Json.MAPPER.readTree("{\"canary\": {}, \"pricng\": {}}"), null,
        null, "a", null);
    assertThat(((StartRequestCodec.Read.Invalid) r).summary()).contains("unknown field 'pricng'");
    assertThat(StartRequestCodec.read(Json.MAPPER.readTree("[1]"), null, null, "a", null))
        .isInstanceOf(StartRequestCodec.Read.Invalid.class);
  }
}
