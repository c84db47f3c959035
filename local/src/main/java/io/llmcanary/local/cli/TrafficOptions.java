package io.llmcanary.local.cli;

import io.llmcanary.local.sim.SimulationSettings;
import picocli.CommandLine.Option;

/**
 * The simulated traffic {@code simulate} and {@code evaluate} share (a picocli mixin): its seed, how many requests a
 * minute, from how many users, with the same defaults and bounds in both.
 */
public final class TrafficOptions {

  @Option(names = "--seed", paramLabel = "N", description = "seed of trial 1; trial i uses seed+i-1, the same for"
      + " both policies (default 1)")
  long seed = 1;

  @Option(names = "--rpm", paramLabel = "N", description = "requests per minute (default 100)")
  Double rpmOption;

  @Option(names = "--users", paramLabel = "N", description = "distinct users; the canary share is what the real"
      + " assignment gives them (default 10000)")
  Long usersOption;

  double rpm() {
    return UsageException.within("--rpm", rpmOption, 100, 1, 100_000);
  }

  int users() {
    return (int) UsageException.within("--users", usersOption, SimulationSettings.DEFAULT_USERS, 0, 10_000_000);
  }
}
