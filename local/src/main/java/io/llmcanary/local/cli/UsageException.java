package io.llmcanary.local.cli;

/**
 * A usage error found after parsing (a missing or conflicting argument, a value out of its range): {@code canaryctl}
 * prints the message with the command's name and exits 2, as for the errors picocli finds while parsing.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  /** {@code value}, or {@code fallback} when the option was not given, checked against {@code min..max}. */
  static long within(String option, Long value, long fallback, long min, long max) {
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw new UsageException(option + " must be within " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  /** {@code value}, or {@code fallback} when the option was not given, checked against {@code min..max}. */
  static double within(String option, Double value, double fallback, double min, double max) {
    if (value == null) {
      return fallback;
    }
    if (!(value >= min && value <= max)) {
      throw new UsageException(option + " must be within " + min + ".." + max + ", got " + value);
    }
    return value;
  }
}
