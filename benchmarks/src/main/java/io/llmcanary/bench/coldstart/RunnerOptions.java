package io.llmcanary.bench.coldstart;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cold-start runner's options ({@code --name value} pairs; benchmarks/README.md lists them) with their
 * defaults. A bad option (unknown name, missing value, a number or a boolean that is not one, a required jar not
 * given) fails {@link #parse} with an {@link IllegalArgumentException} naming it.
 *
 * @param criu the CRIU binary for the snapshot runs, or null for none
 * @param alsoFlags JVM flags of a second, shorter comparison, or null for none (blank: the JVM defaults)
 * @param config a rollout config file the agent stub serves instead of the proxy jar's offline rollout, or null
 */
record RunnerOptions(String java, String flags, int runs, int primedRuns, Path out, String launcherJar,
    String bareJar, String bareHandler, String subjectJar, String subjectHandler, String event, boolean offline,
    String criu, boolean restoreOnly, int restores, String alsoFlags, boolean appcds, String config) {

  /** Lambda-like: the serial GC and C1 only, as Lambda's java21 runtime runs a function unless told otherwise. */
  static final String DEFAULT_FLAGS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:MaxRAM=1g -Xmx512m "
      + "-XX:MaxMetaspaceSize=128m -Djava.net.preferIPv4Stack=true";

  static final Set<String> NAMES = Set.of("java", "flags", "runs", "primed-runs", "out", "launcher-jar", "bare-jar",
      "bare-handler", "subject-jar", "subject-handler", "event", "offline", "criu", "restore-only", "restores",
      "also-flags", "appcds", "config");

  static RunnerOptions parse(String... args) {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("options are --name value pairs; got " + Arrays.toString(args));
      }
      String name = args[i].substring(2);
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; the options are --"
            + String.join(", --", new TreeSet<>(NAMES)));
      }
      opt.put(name, args[i + 1]);
    }
    int runs = count(opt, "runs", 10, 1);
    boolean restoreOnly = flag(opt, "restore-only", false);
    if (restoreOnly && opt.get("criu") == null) {
      throw new IllegalArgumentException("--restore-only true needs --criu PATH (the snapshot runs are all it runs)");
    }
    return new RunnerOptions(
        opt.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        opt.getOrDefault("flags", DEFAULT_FLAGS),
        runs,
        count(opt, "primed-runs", 3, 0),
        Path.of(opt.getOrDefault("out", "benchmarks/target/coldstart")),
        required(opt, "launcher-jar"),
        required(opt, "bare-jar"),
        opt.getOrDefault("bare-handler", BareHandler.class.getName()),
        required(opt, "subject-jar"),
        opt.getOrDefault("subject-handler", "io.llmcanary.proxy.ChatProxyHandler"),
        opt.getOrDefault("event", "events/chat-valid.json"),
        flag(opt, "offline", true),
        opt.get("criu"),
        restoreOnly,
        count(opt, "restores", runs, 1),
        opt.get("also-flags"),
        flag(opt, "appcds", false),
        opt.get("config"));
  }

  private static String required(Map<String, String> opt, String name) {
    String v = opt.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required (a jar path)");
    }
    return v;
  }

  private static int count(Map<String, String> opt, String name, int dflt, int min) {
    String v = opt.get(name);
    if (v == null) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " takes a whole number; got \"" + v + "\"");
    }
    if (n < min) {
      throw new IllegalArgumentException("--" + name + " must be at least " + min + "; got " + n);
    }
    return n;
  }

  private static boolean flag(Map<String, String> opt, String name, boolean dflt) {
    String v = opt.get(name);
    if (v == null) {
      return dflt;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("--" + name + " takes true or false; got \"" + v + "\"");
    };
  }
}
