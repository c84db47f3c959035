package io.llmcanary.local.sim;

import io.llmcanary.core.judge.CanaryPolicy;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs many independent simulated rollouts of one scenario for one policy, in parallel across cores. Trial
 * {@code i} uses seed {@code baseSeed + i}, so both policies see the same traffic trial by trial and any
 * figure can be reproduced.
 */
public final class TrialRunner {

  private TrialRunner() {}

  public static TrialSummary run(CanaryPolicy policy, Scenario scenario, SimulationSettings settings, int trials,
      long baseSeed, IntConsumer progress) {
    RolloutSimulation sim = new RolloutSimulation(settings, policy, false);
    List<SimulationResult> results = IntStream.range(0, trials).parallel()
        .mapToObj(i -> {
          SimulationResult r = sim.run(baseSeed + i);
          progress.accept(i);
          return r;
        })
        .toList();
    return TrialSummary.of(policy.name(), scenario, results);
  }
}
