package io.llmcanary.local.cli;

import io.llmcanary.core.judge.Outcome;

/** Colour for humans on a terminal only; plain text when piped or when NO_COLOR is set. */
public final class Style {

  private final boolean colour;

  public Style(boolean colour) {
    this.colour = colour;
  }

  public static Style detect() {
    return new Style(System.console() != null && System.getenv("NO_COLOR") == null);
  }

  /** Whether this style paints (a terminal, no NO_COLOR). */
  public boolean colour() {
    return colour;
  }

  public String outcome(Outcome o) {
    if (o == null) {
      return "";
    }
    return switch (o) {
      case HEALTHY -> paint("32", o.name());
      case INCONCLUSIVE -> paint("33", o.name());
      case REGRESSION -> paint("31;1", o.name());
    };
  }

  public String bold(String s) {
    return paint("1", s);
  }

  public String red(String s) {
    return paint("31;1", s);
  }

  public String green(String s) {
    return paint("32;1", s);
  }

  private String paint(String code, String s) {
    return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }
}
