package io.llmcanary.local.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small argument parser: {@code --flag}, {@code --option value} or {@code --option=value}, and positionals.
 * Unknown options are a usage error naming the option, so a typo never passes silently.
 */
public final class Args {

  private final Map<String, String> options = new HashMap<>();
  private final List<String> positionals = new ArrayList<>();

  private Args() {}

  /** Thrown for a usage error; the message says what was wrong. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  public static Args parse(List<String> argv, Set<String> flags, Set<String> valued) {
    Args a = new Args();
    for (int i = 0; i < argv.size(); i++) {
      String s = argv.get(i);
      if (s.startsWith("--")) {
        String name = s.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (flags.contains(name)) {
          if (value != null) {
            throw new UsageException("--" + name + " takes no value");
          }
          a.options.put(name, "true");
        } else if (valued.contains(name)) {
          if (value == null) {
            if (i + 1 >= argv.size()) {
              throw new UsageException("--" + name + " needs a value");
            }
            value = argv.get(++i);
          }
          a.options.put(name, value);
        } else {
          throw new UsageException("unknown option --" + name);
        }
      } else {
        a.positionals.add(s);
      }
    }
    return a;
  }

  public boolean flag(String name) {
    return options.containsKey(name);
  }

  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  public long longOption(String name, long fallback, long min, long max) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be within " + min + ".." + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
    }
  }

  public double doubleOption(String name, double fallback, double min, double max) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      double n = Double.parseDouble(v);
      if (!(n >= min && n <= max)) {
        throw new UsageException("--" + name + " must be within " + min + ".." + max + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + v + "'");
    }
  }

  public List<String> positionals() {
    return List.copyOf(positionals);
  }
}
