package io.llmcanary.local.cli;

import io.llmcanary.local.sim.SimulatedJudge;
import io.llmcanary.local.sim.VersionTruth;
import java.util.Set;

/**
 * The truth-model options {@code simulate} and {@code evaluate} share: how many answers users rate, and the quality
 * judge (its mode, the sampler's share of canary answers, its hourly cap, how often it agrees with the truth, how
 * much a conversation decides the answers' quality).
 */
record TruthOptions(double feedbackRate, SimulatedJudge judge) {

  static final Set<String> VALUED = Set.of("feedback-rate", "judge-mode", "judge-rate", "judge-noise",
      "judge-max-per-hour", "prompt-effect");

  /** The judge mode the simulator runs by default: the one that reaches the targets (docs/judge-evaluation.md). */
  static final SimulatedJudge.Mode DEFAULT_MODE = SimulatedJudge.DEFAULT.mode();

  static final String HELP = """
          --feedback-rate F     share of answers users rate (default 0.02)
          --judge-mode M        off, absolute or pairwise (default pairwise): the quality judge on sampled answers
          --judge-rate R        the sampler's share of canary answers judged (default 0.75); absolute mode samples
                                stable to as many answers, pairwise asks stable for a shadow answer to each
          --judge-max-per-hour N  cap on judged answers (absolute) or comparisons (pairwise) an hour (default 600)
          --judge-noise P       probability that one judge verdict disagrees with the truth (default 0.2)
          --prompt-effect P     probability that a conversation decides both versions' answers alike (default 0.5)
        """;

  static TruthOptions from(Args a) {
    double feedback = a.doubleOption("feedback-rate", VersionTruth.DEFAULT_FEEDBACK_RATE, 0, 1);
    SimulatedJudge.Mode mode;
    try {
      mode = SimulatedJudge.Mode.byId(a.option("judge-mode", DEFAULT_MODE.id()));
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
    SimulatedJudge judge = SimulatedJudge.DEFAULT
        .withMode(mode)
        .withSampleRate(a.doubleOption("judge-rate", SimulatedJudge.DEFAULT_SAMPLE_RATE, 0, 1))
        .withMaxPerHour((int) a.longOption("judge-max-per-hour", SimulatedJudge.DEFAULT_MAX_PER_HOUR, 0, 10_000_000))
        .withAgreement(1 - a.doubleOption("judge-noise", 1 - SimulatedJudge.DEFAULT_AGREEMENT, 0, 1))
        .withPromptEffect(a.doubleOption("prompt-effect", SimulatedJudge.DEFAULT_PROMPT_EFFECT, 0, 1));
    return new TruthOptions(feedback, mode == SimulatedJudge.Mode.OFF ? SimulatedJudge.OFF : judge);
  }
}
