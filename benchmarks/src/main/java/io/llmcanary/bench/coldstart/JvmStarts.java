package io.llmcanary.bench.coldstart;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold starts from scratch: spawns a subject's JVM with the launcher ({@link ColdStartLauncher}), times it from the
 * spawn to the launcher's {@code COLDSTART} marker line, and reads the launcher's own phase times from that line.
 */
final class JvmStarts {

  private final String java;
  private final String launcherJar;
  private final String event;
  private final Path out;
  private final AgentStub agent;

  JvmStarts(String java, String launcherJar, String event, Path out, AgentStub agent) {
    this.java = java;
    this.launcherJar = launcherJar;
    this.event = event;
    this.out = out;
    this.agent = agent;
  }

  Run launch(Subject s, String flags, List<String> launcherArgs) throws Exception {
    return launch(s, flags, launcherArgs, null);
  }

  /** {@code jvmExtra}: one more JVM option after the flags (a class-load log, a CDS archive), or null. */
  Run launch(Subject s, String flags, List<String> launcherArgs, String jvmExtra) throws Exception {
    List<String> cmd = jvm(java, flags);
    if (jvmExtra != null) {
      cmd.add(jvmExtra);
    }
    cmd.addAll(launcher(launcherJar, s));
    cmd.add(event);
    cmd.addAll(launcherArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    agent.functionEnvironment(pb.environment(), s.profile());
    pb.redirectError(out.resolve(s.name() + ".stderr.log").toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    String marker = null;
    String following = "";
    int lines = 0;
    List<String> tail = new ArrayList<>();
    double totalMs = Double.NaN;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (marker == null && line.startsWith("COLDSTART ")) {
          totalMs = (System.nanoTime() - t0) / 1e6;
          marker = line;
        } else if (line.startsWith("FOLLOWING ")) {
          following = line.substring("FOLLOWING invoke_ms=".length());
        } else {
          lines++;
          if (tail.size() < 20) {
            tail.add(line);
          }
        }
      }
    }
    int exit = p.waitFor();
    if (marker == null || exit != 0) {
      throw new IllegalStateException(s.name() + " run failed (exit " + exit + "): " + String.join("\n", tail)
          + "\nstderr: " + Files.readString(out.resolve(s.name() + ".stderr.log")));
    }
    Map<String, String> f = markerFields(marker);
    int status = Integer.parseInt(f.get("status"));
    if (status != 200) {
      throw new IllegalStateException(s.name() + " answered " + status + ", not 200: " + String.join("\n", tail));
    }
    return new Run(s.name(), totalMs, Double.parseDouble(f.get("init_ms")), Double.parseDouble(f.get("invoke_ms")),
        Double.parseDouble(f.get("main_to_ready_ms")), Double.parseDouble(f.get("prime_ms")), status, lines, following);
  }

  /** The java binary and the flags, one argument each (a mutable list, for more to follow). */
  static List<String> jvm(String java, String flags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    for (String f : flags.trim().split("\\s+")) {
      if (!f.isEmpty()) {
        cmd.add(f);
      }
    }
    return cmd;
  }

  /** The classpath (launcher, then the subject's jar), the launcher's main class and the handler's name. */
  static List<String> launcher(String launcherJar, Subject s) {
    return List.of("-cp", launcherJar + File.pathSeparator + s.jar(), ColdStartLauncher.class.getName(), s.handler());
  }

  /** The {@code key=value} fields of a {@code COLDSTART …} marker line. */
  static Map<String, String> markerFields(String marker) {
    Map<String, String> f = new HashMap<>();
    for (String kv : marker.substring("COLDSTART ".length()).split(" ")) {
      int eq = kv.indexOf('=');
      f.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return f;
  }
}
