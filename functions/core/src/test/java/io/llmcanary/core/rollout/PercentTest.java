package io.llmcanary.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentTest {

  @Test
  void aConfiguredPercentReadsAsWritten() {
    assertThat(Percent.text(5)).isEqualTo("5%");
    assertThat(Percent.text(12.5)).isEqualTo("12.5%");
    assertThat(Percent.text(100)).isEqualTo("100%");
  }

  @Test
  void aConfiguredRatioReadsWithoutFloatingPointNoise() {
    assertThat(100 * 0.55).isNotEqualTo(55.0);
    assertThat(Percent.ofRatio(0.55)).isEqualTo("55%");
    assertThat(Percent.ofRatio(0.9)).isEqualTo("90%");
    assertThat(Percent.ofRatio(1.5)).isEqualTo("150%");
    assertThat(Percent.ofRatio(0.333)).isEqualTo("33.3%");
  }

  @Test
  void aMeasuredShareHasOneDecimalAndNothingMeasuredIsADash() {
    assertThat(Percent.share(0.1234)).isEqualTo("12.3%");
    assertThat(Percent.share(0.005)).isEqualTo("0.5%");
    assertThat(Percent.share(Double.NaN)).isEqualTo("–");
  }
}
