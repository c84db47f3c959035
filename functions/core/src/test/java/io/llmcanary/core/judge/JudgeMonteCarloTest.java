package io.llmcanary.core.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeMonteCarloTest {

  static final double[] STAGES = {0.05, 0.25, 0.50};
  static final int CHECKS_PER_STAGE = 96;
  static final int TRIALS = 200;

  List<RolloutSimulator.PolicyStats> simulate(RolloutSimulator.Truth truth, long seed) {
    RolloutSimulator sim = new RolloutSimulator(truth, STAGES, CHECKS_PER_STAGE, Guardrails.defaults());
    long t0 = System.nanoTime();
    List<RolloutSimulator.PolicyStats> r = sim.run(List.of(new SequentialJudge(), new NaiveSeedPolicy()), Long.getLong("sim.seed", seed), TRIALS);
    System.out.printf("%s (%.1f s)%n  %s%n  %s%n", truth, (System.nanoTime() - t0) / 1e9, r.get(0), r.get(1));
    return r;
  }

  @Test
  void aa() {
    simulate(RolloutSimulator.Truth.defaults(), 1);
  }

  @Test
  void quality20() {
    simulate(RolloutSimulator.Truth.defaults().withCanaryQuality(0.68), 2);
  }

  @Test
  void others() {
    simulate(RolloutSimulator.Truth.defaults().withCanaryQuality(0.8075), 4);
    simulate(RolloutSimulator.Truth.defaults().withCanaryQuality(0.765), 5);
    simulate(RolloutSimulator.Truth.defaults().withCanaryLatencyFactor(1.5), 6);
    simulate(RolloutSimulator.Truth.defaults().withCanaryLatencyFactor(2.0), 6);
    simulate(RolloutSimulator.Truth.defaults().withCanaryCostFactor(1.5), 7);
    simulate(RolloutSimulator.Truth.defaults().withCanaryCostFactor(2.0), 7);
    simulate(RolloutSimulator.Truth.defaults().withCanaryErrorRate(0.5), 8);
  }

  @Test
  void errors3x() {
    simulate(RolloutSimulator.Truth.defaults().withCanaryErrorRate(0.03), 3);
  }
}
