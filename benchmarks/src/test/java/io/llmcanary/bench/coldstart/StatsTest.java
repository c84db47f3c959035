package io.llmcanary.bench.coldstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void quantileInterpolatesBetweenRanks() {
    double[] v = {1, 2, 3, 4};
    assertThat(Stats.quantile(v, 0)).isEqualTo(1);
    assertThat(Stats.quantile(v, 1)).isEqualTo(4);
    assertThat(Stats.quantile(v, 0.5)).isEqualTo(2.5);
    assertThat(Stats.quantile(v, 0.25)).isCloseTo(1.75, within(1e-12));
    assertThat(Stats.quantile(new double[] {7}, 0.75)).isEqualTo(7);
    assertThat(Stats.quantile(new double[0], 0.5)).isNaN();
  }

  @Test
  void medianSortsFirst() {
    assertThat(Stats.median(List.of(9.0, 1.0, 5.0), Double::doubleValue)).isEqualTo(5);
    assertThat(Stats.median(List.of(4.0, 1.0), Double::doubleValue)).isEqualTo(2.5);
    assertThat(Stats.median(List.<Double>of(), Double::doubleValue)).isNaN();
  }

  @Test
  void cellFormat() {
    assertThat(ColdStartReport.cell(List.of(10.0, 30.0, 20.0, 40.0, 50.0), Double::doubleValue))
        .isEqualTo("30.0 [20–40] (10–50)");
  }
}
