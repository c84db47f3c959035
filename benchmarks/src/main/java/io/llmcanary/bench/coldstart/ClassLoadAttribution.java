package io.llmcanary.bench.coldstart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a cold start's class loading goes: the lines of a {@code -Xlog:class+load} log ({@code [0.123s]
 * java.lang.Object source: shared objects file}) counted per phase, cut at the launcher's marker classes
 * ({@code ColdStartLauncher$Phase…}), and per library.
 */
final class ClassLoadAttribution {

  static final String[] PHASES = {"JVM boot + launcher", "init", "first invoke"};

  /**
   * Per phase ({@link #PHASES}): where it ends (JVM uptime, s), and per library the classes loaded and the ms
   * charged to it; {@code total} is the classes per phase.
   */
  record PerPhase(double[] phaseEndS, Map<String, int[]> classes, Map<String, double[]> ms, int[] total) {}

  /** The classes loaded between a restore and the first response, in order, and their count per library. */
  record AfterRestore(List<String> classes, Map<String, Integer> byLibrary) {}

  /** One class loaded: at JVM uptime {@code at} (s); {@code rest} is the line after the uptime (class, source). */
  private record Load(double at, String cls, String rest) {

    /** The log's class-load lines, in order; any other line (a JVM warning) is skipped. */
    static List<Load> all(List<String> log) {
      List<Load> loads = new ArrayList<>();
      for (String line : log) {
        int close = line.indexOf("s] ");
        if (line.startsWith("[") && close >= 0) {
          String rest = line.substring(close + 3);
          loads.add(new Load(Double.parseDouble(line.substring(1, close)), rest.split(" ", 2)[0], rest));
        }
      }
      return loads;
    }
  }

  private ClassLoadAttribution() {}

  /** The JVM option that writes the log {@link #perPhase} and {@link #afterRestore} read. */
  static String logOption(Path log) {
    return "-Xlog:class+load=info:file=" + log + ":uptime";
  }

  static PerPhase perPhase(List<String> log) {
    Map<String, int[]> byGroup = new TreeMap<>();
    Map<String, double[]> msByGroup = new TreeMap<>();
    int[] total = new int[3];
    double[] phaseEnd = new double[3];
    int phase = 0;
    double previous = 0;
    for (Load load : Load.all(log)) {
      String cls = load.cls();
      double at = load.at();
      if (cls.endsWith("ColdStartLauncher$PhaseInitStart")) {
        previous = at;
        phaseEnd[0] = at;
        phase = 1;
        continue;
      } else if (cls.endsWith("ColdStartLauncher$PhaseInitDone")) {
        phaseEnd[1] = at;
        phase = 2;
        continue;
      } else if (cls.endsWith("ColdStartLauncher$PhaseInvokeDone")) {
        phaseEnd[2] = at;
        phase = 3;
        continue;
      }
      if (phase > 2) {
        continue;
      }
      String group = group(cls, load.rest());
      byGroup.computeIfAbsent(group, g -> new int[3])[phase]++;
      // The time since the previous class load is charged to this class's library: roughly, the work that led
      // to needing it (loading, linking, verifying, and running the code that came before in that library).
      msByGroup.computeIfAbsent(group, g -> new double[3])[phase] += (at - previous) * 1000;
      previous = at;
      total[phase]++;
    }
    return new PerPhase(phaseEnd, byGroup, msByGroup, total);
  }

  /** The classes after the launcher's {@code PhaseRestored} marker and before {@code PhaseInvokeDone}. */
  static AfterRestore afterRestore(List<String> log) {
    List<String> after = new ArrayList<>();
    Map<String, Integer> byGroup = new TreeMap<>();
    boolean restored = false;
    for (Load load : Load.all(log)) {
      String cls = load.cls();
      if (cls.endsWith("ColdStartLauncher$PhaseRestored")) {
        restored = true;
      } else if (cls.endsWith("ColdStartLauncher$PhaseInvokeDone")) {
        break;
      } else if (restored) {
        after.add(cls);
        byGroup.merge(group(cls, load.rest()), 1, Integer::sum);
      }
    }
    return new AfterRestore(after, byGroup);
  }

  private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

  static {
    LIBRARIES.put("com.fasterxml.jackson.", "Jackson");
    LIBRARIES.put("com.networknt.", "networknt json-schema-validator");
    LIBRARIES.put("software.amazon.awssdk.", "AWS SDK v2");
    LIBRARIES.put("software.amazon.eventstream.", "AWS SDK v2");
    LIBRARIES.put("org.reactivestreams.", "AWS SDK v2");
    LIBRARIES.put("org.slf4j.", "slf4j");
    LIBRARIES.put("io.llmcanary.bench.", "launcher");
    LIBRARIES.put("io.llmcanary.", "llm-canary");
    LIBRARIES.put("com.amazonaws.services.lambda.", "aws-lambda-java-core/events");
    LIBRARIES.put("org.crac.", "org.crac");
  }

  /** The library of a loaded class: {@code rest} is the log line after the uptime ("name source: …"). */
  static String group(String cls, String rest) {
    if (rest.contains("source: shared objects file")) {
      return "JDK, from the CDS archive";
    }
    if (rest.contains("source: jrt:/")) {
      return "JDK, from the modules (not in CDS)";
    }
    if (rest.contains("__JVM_LookupDefineClass__") || rest.contains("__Lookup_defineClass__")
        || cls.contains("$$Lambda") || cls.contains("LambdaForm$") || cls.contains("$Proxy")) {
      return "generated (lambdas, method handles, proxies)";
    }
    for (Map.Entry<String, String> e : LIBRARIES.entrySet()) {
      if (cls.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.") || cls.startsWith("com.sun.")) {
      return "JDK, other";
    }
    int dot = cls.indexOf('.', cls.indexOf('.') + 1);
    return "other: " + (dot > 0 ? cls.substring(0, dot) : cls);
  }
}
