package io.llmcanary.local.cli;

import io.llmcanary.local.sim.SimulatedJudge;
import io.llmcanary.local.sim.VersionTruth;
import picocli.CommandLine.Option;

/**
 * The truth-model options {@code simulate} and {@code evaluate} share (a picocli mixin): how many answers users rate,
 * and the quality judge (its mode, the sampler's share of canary answers, its hourly cap, how often it agrees with
 * the truth, how much a conversation decides the answers' quality).
 */
public final class TruthOptions {

  /** The judge mode the simulator runs by default: the one that reaches the targets (docs/judge-evaluation.md). */
  static final SimulatedJudge.Mode DEFAULT_MODE = SimulatedJudge.DEFAULT.mode();

  @Option(names = "--feedback-rate", paramLabel = "F", description = "share of answers users rate (default 0.02)")
  Double feedbackRate;

  @Option(names = "--judge-mode", paramLabel = "M", description = "off, absolute or pairwise (default pairwise):"
      + " the quality judge on sampled answers")
  String judgeMode;

  @Option(names = "--judge-rate", paramLabel = "R", description = "the sampler's share of canary answers judged"
      + " (default 0.75); absolute mode samples stable to as many answers, pairwise asks stable for a shadow answer"
      + " to each")
  Double judgeRate;

  @Option(names = "--judge-max-per-hour", paramLabel = "N", description = "cap on judged answers (absolute) or"
      + " comparisons (pairwise) an hour (default 600)")
  Long judgeMaxPerHour;

  @Option(names = "--judge-noise", paramLabel = "P", description = "probability that one judge verdict disagrees"
      + " with the truth (default 0.2)")
  Double judgeNoise;

  @Option(names = "--prompt-effect", paramLabel = "P", description = "probability that a conversation decides both"
      + " versions' answers alike (default 0.5)")
  Double promptEffect;

  double feedbackRate() {
    return UsageException.within("--feedback-rate", feedbackRate, VersionTruth.DEFAULT_FEEDBACK_RATE, 0, 1);
  }

  SimulatedJudge judge() {
    SimulatedJudge.Mode mode;
    try {
      mode = SimulatedJudge.Mode.byId(judgeMode == null ? DEFAULT_MODE.id() : judgeMode);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    SimulatedJudge judge = SimulatedJudge.DEFAULT
        .withMode(mode)
        .withSampleRate(UsageException.within("--judge-rate", judgeRate, SimulatedJudge.DEFAULT_SAMPLE_RATE, 0, 1))
        .withMaxPerHour((int) UsageException.within("--judge-max-per-hour", judgeMaxPerHour,
            SimulatedJudge.DEFAULT_MAX_PER_HOUR, 0, 10_000_000))
        .withAgreement(1 - UsageException.within("--judge-noise", judgeNoise, 1 - SimulatedJudge.DEFAULT_AGREEMENT,
            0, 1))
        .withPromptEffect(UsageException.within("--prompt-effect", promptEffect, SimulatedJudge.DEFAULT_PROMPT_EFFECT,
            0, 1));
    return mode == SimulatedJudge.Mode.OFF ? SimulatedJudge.OFF : judge;
  }
}
