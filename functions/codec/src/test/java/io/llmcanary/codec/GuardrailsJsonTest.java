package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.config.Guardrails;
import org.junit.jupiter.api.Test;

class GuardrailsJsonTest {

  @Test
  void guardrailsRoundTripWithEveryFieldWrittenUnderTheConfigsNames() {
    Guardrails g = new Guardrails(0.8, 3.0, 1.4, 1.6, 0.9, 1.1, 1.2, 1.4, 0.01, 0.01, 500, 80, 0.3, 30);

    var json = GuardrailsJson.write(g);

    assertThat(json.path("rollbackQualityRatio").asDouble()).isEqualTo(0.8);
    assertThat(json.path("gatePreference").asDouble()).isEqualTo(Guardrails.DEFAULT_GATE_PREFERENCE);
    assertThat(json.size()).isEqualTo(Guardrails.class.getRecordComponents().length);
    assertThat(GuardrailsJson.read(json)).isEqualTo(g);
  }

  @Test
  void fieldsLeftOutKeepTheirDefaultsAndAMissingObjectIsTheDefaults() throws Exception {
    Guardrails g = GuardrailsJson.read(Json.MAPPER.readTree("{\"minRequests\": 1000}"));

    assertThat(g.minRequests()).isEqualTo(1000);
    assertThat(g.rollbackQualityRatio()).isEqualTo(Guardrails.defaults().rollbackQualityRatio());
    assertThat(GuardrailsJson.read(null)).isEqualTo(Guardrails.defaults());
  }

  @Test
  void aValueOfTheWrongKindIsRefusedNamingIt() throws Exception {
    assertThatThrownBy(() -> GuardrailsJson.read(Json.MAPPER.readTree("{\"minRequests\": \"many\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("many");
    assertThatThrownBy(() -> GuardrailsJson.read(Json.MAPPER.readTree("[1]")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("object");
  }
}
