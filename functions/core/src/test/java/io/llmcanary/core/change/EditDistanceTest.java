package io.llmcanary.core.change;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EditDistanceTest {

  @Test
  void countsInsertionsDeletionsAndSubstitutions() {
    assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(new EditDistance(3, true));
    assertThat(EditDistance.between("", "abc")).isEqualTo(new EditDistance(3, true));
    assertThat(EditDistance.between("abc", "abc")).isEqualTo(new EditDistance(0, true));
    assertThat(EditDistance.between("You are helpful.", "You are a concise, helpful assistant."))
        .isEqualTo(new EditDistance(21, true));
  }

  @Test
  void aSmallEditInAHugePromptIsExactBecauseTheCommonEndsAreCut() {
    String big = "x".repeat(60_000);
    assertThat(EditDistance.between(big + "old" + big, big + "new!" + big)).isEqualTo(new EditDistance(4, true));
  }

  @Test
  void twoHugeDifferentMiddlesGetTheUpperBoundFlaggedAsNotExact() {
    String a = "a".repeat(5_000);
    String b = "b".repeat(4_000);
    assertThat(EditDistance.between(a, b)).isEqualTo(new EditDistance(5_000, false));
  }
}
