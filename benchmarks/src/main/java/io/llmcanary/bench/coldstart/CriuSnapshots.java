package io.llmcanary.bench.coldstart;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * SnapStart's sequence with a real process snapshot: a subject's JVM runs init and its beforeCheckpoint hook
 * ({@link ColdStartLauncher} {@code --checkpoint}), CRIU dumps it, and the image is restored as often as wanted,
 * each restore timed from {@code criu restore} to the first response.
 */
final class CriuSnapshots {

  /** A process snapshot of one subject, taken after init and its beforeCheckpoint hook. */
  record Snapshot(Subject subject, Path dir, Path images, long imageBytes, double dumpMs, double primeMs) {}

  /** One restore: criu restore started → process running again → first response ready. */
  record Restored(String who, double totalMs, double restoreMs, double afterRestoreToReadyMs, double invokeMs) {}

  /** Bare and proxy snapshotted once each, then restored alternately; {@code used}: stub calls over the restores. */
  record Comparison(Snapshot bare, Snapshot proxy, List<Restored> bareRuns, List<Restored> proxyRuns,
      AgentStub.Counts used) {
    int runs() {
      return proxyRuns.size();
    }

    /** Restored proxy / restored bare, ratio of the medians of restore-to-first-response. */
    double ratio() {
      return Stats.median(proxyRuns, Restored::totalMs) / Stats.median(bareRuns, Restored::totalMs);
    }
  }

  /** One restore of a snapshot taken with {@code -Xlog:class+load}, and what it loaded after the restore. */
  record RestoredClassLoads(Restored run, ClassLoadAttribution.AfterRestore loads) {}

  private final String criu;
  private final String java;
  private final String launcherJar;
  private final String event;
  private final Path out;
  private final AgentStub agent;

  CriuSnapshots(String criu, String java, String launcherJar, String event, Path out, AgentStub agent) {
    this.criu = criu;
    this.java = java;
    this.launcherJar = launcherJar;
    this.event = event;
    this.out = out;
    this.agent = agent;
  }

  /**
   * Bare and proxy each snapshotted once, then restored {@code runs} times, alternating (ABBA), after one discarded
   * restore each. Fails unless every proxy restore did the production path's work.
   */
  Comparison compare(Subject bare, Subject proxy, String flags, int runs) throws Exception {
    Snapshot sb = snapshot(bare, flags, false);
    Snapshot sp = snapshot(proxy, flags, false);
    restore(sb);
    restore(sp);
    List<Restored> rb = new ArrayList<>();
    List<Restored> rp = new ArrayList<>();
    AgentStub.Counts before = agent.counts();
    for (int i = 0; i < runs; i++) {
      if (i % 2 == 0) {
        rb.add(restore(sb));
        rp.add(restore(sp));
      } else {
        rp.add(restore(sp));
        rb.add(restore(sb));
      }
    }
    // Each proxy restore must have done the production path's work: one agent read, one credentials fetch from the
    // container endpoint, one Converse call; otherwise the figure would time something else.
    AgentStub.Counts used = agent.counts().minus(before);
    if (used.agent() != runs || used.credentials() != runs || used.converse() != runs) {
      throw new IllegalStateException("over " + runs + " proxy restores: " + used.agent() + " agent reads, "
          + used.credentials() + " credentials fetches, " + used.converse() + " Converse calls; expected one each per restore");
    }
    return new Comparison(sb, sp, rb, rp, used);
  }

  /**
   * What the snapshot left cold: one more snapshot of the subject with {@code -Xlog:class+load}, restored once; the
   * classes loaded after the restore (the launcher's {@code PhaseRestored} marker) are the request path that the
   * beforeCheckpoint dry run did not reach. Their names are written to {@code <dir>/after-restore.txt}.
   */
  RestoredClassLoads restoredClassLoads(Subject s, String flags) throws Exception {
    Snapshot snap = snapshot(s, flags, true);
    Restored r = restore(snap);
    ClassLoadAttribution.AfterRestore loads =
        ClassLoadAttribution.afterRestore(Files.readAllLines(snap.dir().resolve("classload.log")));
    Files.write(snap.dir().resolve("after-restore.txt"), loads.classes());
    return new RestoredClassLoads(r, loads);
  }

  Snapshot snapshot(Subject s, String flags, boolean logClassLoads) throws Exception {
    Path dir = out.resolve("snapstart-" + s.name() + (logClassLoads ? "-classload" : "")).toAbsolutePath();
    deleteTree(dir);
    Path images = Files.createDirectories(dir.resolve("images"));
    List<String> cmd = new ArrayList<>();
    // Its own session, so the dumped tree is the JVM alone (no shell or terminal from outside the tree).
    cmd.add("setsid");
    cmd.addAll(JvmStarts.jvm(java, flags));
    // The JVM's perf-data file (a shared mapping in /tmp) is not wanted in the image; the same for both subjects.
    cmd.add("-XX:-UsePerfData");
    if (logClassLoads) {
      cmd.add(ClassLoadAttribution.logOption(dir.resolve("classload.log")));
    }
    cmd.addAll(JvmStarts.launcher(launcherJar, s));
    cmd.add(Path.of(event).toAbsolutePath().toString());
    cmd.add("--checkpoint");
    cmd.add(dir.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    agent.functionEnvironment(env, s.profile());
    agent.snapStartCredentials(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(dir.resolve("stdout.log").toFile());
    pb.redirectError(dir.resolve("stderr.log").toFile());
    Process p = pb.start();
    Path ready = dir.resolve("ready");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(ready)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException(s.name() + ": no checkpoint point reached (exit " + (p.isAlive() ? "-" : p.exitValue())
            + "): " + Files.readString(dir.resolve("stderr.log")) + Files.readString(dir.resolve("stdout.log")));
      }
      Thread.sleep(5);
    }
    double primeMs = Double.parseDouble(Files.readString(ready).trim().substring("prime_ms=".length()));
    long t0 = System.nanoTime();
    // Connections still open at the checkpoint are dumped and come back closed, as after a SnapStart restore.
    int rc = criu(images, "dump", "-t", Long.toString(p.pid()), "--tcp-established");
    double dumpMs = (System.nanoTime() - t0) / 1e6;
    if (rc != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(s.name() + ": criu dump failed (" + rc + "); see " + images.resolve("dump.log")
          + ":\n" + tail(images.resolve("dump.log"), 15));
    }
    p.waitFor();
    Files.copy(dir.resolve("stdout.log"), dir.resolve("stdout.snapshot"));
    Files.copy(dir.resolve("stderr.log"), dir.resolve("stderr.snapshot"));
    if (logClassLoads) {
      Files.copy(dir.resolve("classload.log"), dir.resolve("classload.snapshot"));
    }
    Files.writeString(dir.resolve("go"), "");
    long bytes;
    try (var files = Files.walk(images)) {
      bytes = files.filter(f -> f.getFileName().toString().endsWith(".img")).mapToLong(f -> f.toFile().length()).sum();
    }
    return new Snapshot(s, dir, images, bytes, dumpMs, primeMs);
  }

  Restored restore(Snapshot snap) throws Exception {
    Path dir = snap.dir();
    // The restored process writes on at the offsets its files had at the dump; CRIU checks their sizes.
    Files.copy(dir.resolve("stdout.snapshot"), dir.resolve("stdout.log"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dir.resolve("stderr.snapshot"), dir.resolve("stderr.log"), StandardCopyOption.REPLACE_EXISTING);
    if (Files.exists(dir.resolve("classload.snapshot"))) {
      Files.copy(dir.resolve("classload.snapshot"), dir.resolve("classload.log"), StandardCopyOption.REPLACE_EXISTING);
    }
    long t0 = ColdStartLauncher.epochMicros();
    // Without --restore-detached criu waits for the restored JVM, which exits after its first response.
    int rc = criu(snap.images(), "restore", "--tcp-close");
    String stdout = Files.readString(dir.resolve("stdout.log"));
    String marker = stdout.lines().filter(l -> l.startsWith("COLDSTART ")).findFirst().orElse(null);
    if (rc != 0 || marker == null) {
      throw new IllegalStateException(snap.subject().name() + ": restore failed (criu exit " + rc + "):\n"
          + tail(snap.images().resolve("restore.log"), 15) + "\nstdout: " + stdout + "\nstderr: "
          + Files.readString(dir.resolve("stderr.log")));
    }
    Map<String, String> f = JvmStarts.markerFields(marker);
    if (!"200".equals(f.get("status"))) {
      throw new IllegalStateException(snap.subject().name() + " answered " + f.get("status") + " after a restore: " + stdout);
    }
    long wake = Long.parseLong(f.get("wake_epoch_us"));
    long ready = Long.parseLong(f.get("ready_epoch_us"));
    return new Restored(snap.subject().name(), (ready - t0) / 1000.0, (wake - t0) / 1000.0, (ready - wake) / 1000.0,
        Double.parseDouble(f.get("invoke_ms")));
  }

  /** The first line of {@code criu --version}, or "?". */
  String version() {
    try {
      Process p = new ProcessBuilder(criu, "--version").redirectErrorStream(true).start();
      String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
      p.waitFor();
      return first.replace("Version: ", "").trim();
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  private int criu(Path images, String action, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(criu, action, "-D", images.toString(), "-o", action + ".log", "-v2"));
    cmd.addAll(List.of(args));
    Process c = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(images.resolve(action + ".out").toFile()).start();
    return c.waitFor();
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
