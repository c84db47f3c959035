package io.llmcanary.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlphaSpendingTest {

  @Test
  void weightsOverAllLooksSumToOne() {
    double sum = 0;
    for (long j = 1; j <= 1_000_000; j++) {
      sum += AlphaSpending.weight(j, 4);
    }
    // The tail beyond J is (c + 1) / (J + c + 1).
    assertThat(sum + 5.0 / (1_000_000 + 5)).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void firstLookGetsOneOverOffsetPlusTwo() {
    assertThat(AlphaSpending.weight(1, 4)).isCloseTo(1.0 / 6, within(1e-15));
    assertThat(AlphaSpending.weight(1, 0)).isCloseTo(0.5, within(1e-15));
    assertThat(AlphaSpending.weight(96, 4)).isLessThan(AlphaSpending.weight(95, 4));
  }

  @Test
  void lookIndexStartsAtOne() {
    assertThatThrownBy(() -> AlphaSpending.weight(0, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
