package io.llmcanary.core.rollout;

/** How a canary percent is written everywhere a person reads it: {@code 5%}, {@code 12.5%}. */
public final class Percent {

  private Percent() {}

  public static String text(double percent) {
    return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + "%";
  }
}
