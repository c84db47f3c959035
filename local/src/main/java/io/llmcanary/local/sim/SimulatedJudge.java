package io.llmcanary.local.sim;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The quality judge in the simulator's truth model: which answers the proxy's sampler hands off, and what a noisy
 * judge model says about them. It stands in for the {@code quality-judge} function and its model, so the simulator
 * runs the whole loop offline.
 *
 * <p>Truth: each answer is good with its version's probability {@code quality} (the same truth user thumbs come
 * from). A conversation decides part of it: with probability {@code promptEffect} the canary's and stable's answers to
 * the same conversation are coupled (good on the same easy prompts: one uniform draw decides both), otherwise they are
 * independent. That shared difficulty is what same-prompt (pairwise) comparison removes.
 *
 * <p>Noise: in absolute mode the judge's pass/fail grade agrees with the answer's truth with probability
 * {@code agreement}. In pairwise mode each of the two orders (canary first, stable first) names the true outcome (canary
 * better, stable better, tie) with probability {@code agreement}, else one of the other two at random; the
 * comparison counts 1 (canary won both orders), 0 (stable won both) or ½ (any other pair of verdicts).
 *
 * <p>Sampling, as the proxy's sampler does it (see {@code core.qualityjudge.JudgeSampler}): a share
 * {@code sampleRate} of canary's successful answers; in absolute mode stable is sampled at the rate that gives it as
 * many judged answers as canary (equal counts minimise the variance of the difference for a given number of judge
 * calls); in pairwise mode stable answers the same sampled conversations in the shadow. At most {@code maxPerHour}
 * judged answers an hour (absolute: both versions; pairwise: comparisons).
 *
 * @param mode         off, absolute or pairwise
 * @param sampleRate   share of canary's answers judged, 0..1
 * @param agreement    probability that one judge verdict agrees with the truth
 * @param promptEffect probability that the two versions' answers to one conversation are coupled
 * @param maxPerHour   cap on judged answers (absolute) or comparisons (pairwise) an hour
 */
public record SimulatedJudge(Mode mode, double sampleRate, double agreement, double promptEffect, int maxPerHour) {

  public enum Mode {
    OFF, ABSOLUTE, PAIRWISE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Mode byId(String id) {
      for (Mode m : values()) {
        if (m.id().equals(id.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown judge mode '" + id + "'; choose off, absolute or pairwise");
    }
  }

  public static final double DEFAULT_SAMPLE_RATE = 0.75;
  public static final double DEFAULT_AGREEMENT = 0.8;
  public static final double DEFAULT_PROMPT_EFFECT = 0.5;
  public static final int DEFAULT_MAX_PER_HOUR = 600;

  public static final SimulatedJudge OFF = new SimulatedJudge(Mode.OFF, 0, DEFAULT_AGREEMENT, DEFAULT_PROMPT_EFFECT,
      DEFAULT_MAX_PER_HOUR);

  /** The simulator's default: pairwise, the mode that reaches the targets (docs/judge-evaluation.md). */
  public static final SimulatedJudge DEFAULT = new SimulatedJudge(Mode.PAIRWISE, DEFAULT_SAMPLE_RATE,
      DEFAULT_AGREEMENT, DEFAULT_PROMPT_EFFECT, DEFAULT_MAX_PER_HOUR);

  public SimulatedJudge {
    if (!(sampleRate >= 0 && sampleRate <= 1) || !(agreement >= 0 && agreement <= 1)
        || !(promptEffect >= 0 && promptEffect <= 1) || maxPerHour < 0) {
      throw new IllegalArgumentException("judge settings out of range");
    }
  }

  public static SimulatedJudge of(Mode mode) {
    return mode == Mode.OFF ? OFF : new SimulatedJudge(mode, DEFAULT_SAMPLE_RATE, DEFAULT_AGREEMENT,
        DEFAULT_PROMPT_EFFECT, DEFAULT_MAX_PER_HOUR);
  }

  public SimulatedJudge withMode(Mode m) {
    return new SimulatedJudge(m, sampleRate, agreement, promptEffect, maxPerHour);
  }

  public SimulatedJudge withSampleRate(double r) {
    return new SimulatedJudge(mode, r, agreement, promptEffect, maxPerHour);
  }

  public SimulatedJudge withAgreement(double a) {
    return new SimulatedJudge(mode, sampleRate, a, promptEffect, maxPerHour);
  }

  public SimulatedJudge withPromptEffect(double p) {
    return new SimulatedJudge(mode, sampleRate, agreement, p, maxPerHour);
  }

  public SimulatedJudge withMaxPerHour(int cap) {
    return new SimulatedJudge(mode, sampleRate, agreement, promptEffect, cap);
  }

  /** Judge-model calls per judged unit: one grade per answer, or two orders per comparison. */
  public int callsPerJudged() {
    return mode == Mode.PAIRWISE ? 2 : 1;
  }

  /**
   * Judges one minute: canary's and stable's successful answers {@code okCanary}, {@code okStable}, at a canary share
   * {@code share}; {@code budget} judged units still allowed this hour (decremented).
   */
  void minute(long okStable, long okCanary, double share, VersionTruth stable, VersionTruth canary,
      SplittableRandom rnd, WindowAccumulator.Minute outStable, WindowAccumulator.Minute outCanary, long[] budget) {
    if (mode == Mode.OFF || sampleRate == 0 || okCanary == 0) {
      return;
    }
    long c = Math.min(TrafficModel.binomial(okCanary, sampleRate, rnd), budget[0]);
    if (mode == Mode.ABSOLUTE) {
      double stableRate = share >= 1 ? 0 : Math.min(1, sampleRate * share / (1 - share));
      long s = TrafficModel.binomial(okStable, stableRate, rnd);
      long room = budget[0];
      if (c + s > room) { // the cap splits between the versions as the sampler does: evenly
        c = Math.min(c, room / 2);
        s = Math.min(s, room - c);
      }
      budget[0] -= c + s;
      grade(c, canary.quality(), rnd, outCanary);
      grade(s, stable.quality(), rnd, outStable);
    } else {
      budget[0] -= c;
      compare(c, canary.quality(), stable.quality(), rnd, outCanary);
    }
  }

  private void grade(long n, double quality, SplittableRandom rnd, WindowAccumulator.Minute out) {
    double pass = agreement * quality + (1 - agreement) * (1 - quality);
    long good = TrafficModel.binomial(n, pass, rnd);
    out.judgeCount += n;
    out.judgeSum += good;
  }

  private void compare(long n, double qc, double qs, SplittableRandom rnd, WindowAccumulator.Minute out) {
    double[] p = comparisonOutcomes(qc, qs);
    long wins = TrafficModel.binomial(n, p[0], rnd);
    long losses = TrafficModel.binomial(n - wins, p[0] >= 1 ? 0 : p[1] / (1 - p[0]), rnd);
    long ties = n - wins - losses;
    out.preferenceCount += n;
    out.preferenceSum += wins + 0.5 * ties;
    out.preferenceSquares += wins + 0.25 * ties;
  }

  /** P(canary wins both orders), P(stable wins both orders); the rest counts ½. */
  double[] comparisonOutcomes(double qc, double qs) {
    double rho = promptEffect;
    double trueC = rho * Math.max(0, qc - qs) + (1 - rho) * qc * (1 - qs);
    double trueS = rho * Math.max(0, qs - qc) + (1 - rho) * qs * (1 - qc);
    double trueTie = 1 - trueC - trueS;
    double right = agreement;
    double wrong = (1 - agreement) / 2;
    double c = trueC * right * right + (trueS + trueTie) * wrong * wrong;
    double s = trueS * right * right + (trueC + trueTie) * wrong * wrong;
    return new double[] {c, s};
  }

  /** Expected mean preference for canary (½ when the versions are as good). */
  public double expectedPreference(double qc, double qs) {
    double[] p = comparisonOutcomes(qc, qs);
    return p[0] + 0.5 * (1 - p[0] - p[1]);
  }

  public String describe() {
    if (mode == Mode.OFF) {
      return "no quality judge";
    }
    return String.format(Locale.ROOT, "quality judge %s on %.0f%% of canary answers%s, agreeing with the truth %.0f%%"
            + " of the time, at most %d an hour", mode.id(), 100 * sampleRate,
        mode == Mode.ABSOLUTE ? " (stable matched)" : " (shadow stable answers)", 100 * agreement, maxPerHour);
  }
}
