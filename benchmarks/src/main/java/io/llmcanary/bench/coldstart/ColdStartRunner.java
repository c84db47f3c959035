package io.llmcanary.bench.coldstart;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Cold start, side by side (DESIGN.md §12): whole-process time from spawning the JVM to the first handled /chat
 * event, for the chat-proxy Lambda jar and for a bare handler returning a constant ({@link BareHandler}), with the
 * same JVM flags and the same launcher ({@link ColdStartLauncher}), alternating bare and proxy in one session
 * (ABBA order, so a drift in machine load hits both alike). Reports medians, spread and the ratio, then where the
 * proxy's time goes: JVM boot vs init vs first invoke, classes loaded per phase and per library (one extra run of
 * each with {@code -Xlog:class+load}), and the first invoke of a primed handler (the CRaC beforeCheckpoint dry run).
 *
 * <p>The AppConfig agent is a stub in this process on a loopback port (like the real agent, a separate process
 * that is up before the function's init), serving the offline rollout that ships in the proxy jar. Bedrock is
 * configured (AWS_REGION set, so the SDK client is built at init as in Lambda) but never called: the config routes
 * to the offline model, and the endpoint override points at a closed loopback port.
 */
public final class ColdStartRunner {

  static final String DEFAULT_FLAGS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:MaxRAM=1g -Xmx512m "
      + "-XX:MaxMetaspaceSize=128m -Djava.net.preferIPv4Stack=true";

  private final Map<String, String> opt;
  private final AtomicInteger agentCalls = new AtomicInteger();
  private final AtomicInteger bedrockCalls = new AtomicInteger();
  private final AtomicInteger credentialCalls = new AtomicInteger();
  private HttpServer agent;
  private Path out;

  private ColdStartRunner(Map<String, String> opt) {
    this.opt = opt;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("options are --name value pairs; got " + Arrays.toString(args));
      }
      opt.put(args[i].substring(2), args[i + 1]);
    }
    new ColdStartRunner(opt).run();
  }

  record Run(String who, double totalMs, double initMs, double invokeMs, double mainToReadyMs, double primeMs,
      int status, int stdoutLines, String following) {
    double bootMs() {
      return totalMs - mainToReadyMs;
    }
  }

  private void run() throws Exception {
    String java = opt.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String flags = opt.getOrDefault("flags", DEFAULT_FLAGS);
    int runs = Integer.parseInt(opt.getOrDefault("runs", "10"));
    int primedRuns = Integer.parseInt(opt.getOrDefault("primed-runs", "3"));
    out = Path.of(opt.getOrDefault("out", "benchmarks/target/coldstart"));
    Files.createDirectories(out);
    Subject bare = new Subject("bare", opt.get("bare-jar"), opt.getOrDefault("bare-handler", BareHandler.class.getName()),
        "rollout-offline");
    String proxyHandler = opt.getOrDefault("subject-handler", "io.llmcanary.proxy.ChatProxyHandler");
    // The production path: both versions on Bedrock (the stub below answers Converse at once), so the cold start
    // includes the SDK client build and the first signed SDK call. And the model-free path: the offline model.
    Subject proxy = new Subject("proxy", opt.get("subject-jar"), proxyHandler, "rollout-bedrock");
    Subject offline = new Subject("proxy-offline", opt.get("subject-jar"), proxyHandler, "rollout-offline");
    boolean withOffline = !"false".equals(opt.get("offline"));
    String event = opt.getOrDefault("event", "events/chat-valid.json");
    startAgent(proxy.jar);
    try {
      System.out.println("cold start: " + java + " (" + javaVersion(java) + ")");
      System.out.println("  flags: " + flags);
      System.out.println("  event: " + event + "; runs: " + runs + " each, alternating (ABBA), after 1 discarded run each");
      System.out.println("  proxy: config with both versions on Bedrock (Converse answered by a loopback stub)"
          + (withOffline ? "; proxy-offline: both versions on the offline model (no SDK call)" : ""));
      System.out.println("  bare:  " + bare.jar + " (" + Files.size(Path.of(bare.jar)) / 1024 + " KiB)");
      System.out.println("  proxy: " + proxy.jar + " (" + Files.size(Path.of(proxy.jar)) / 1024 + " KiB)");
      System.out.println("  machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
          + loadAverage() + " at start");

      String criu = opt.get("criu");
      if ("true".equals(opt.get("restore-only"))) {
        double restored = restoreComparison(criu, bare, proxy, java, flags, event, runs, Double.NaN);
        System.out.printf(Locale.ROOT, "coldstart_ratio=%.2f%n", restored);
        return;
      }
      List<Subject> order = withOffline ? List.of(bare, proxy, offline) : List.of(bare, proxy);
      for (Subject s : order) {
        launch(s, java, flags, event, List.of());
      }
      List<Run> bareRuns = new ArrayList<>();
      List<Run> proxyRuns = new ArrayList<>();
      List<Run> offlineRuns = new ArrayList<>();
      int agentBefore = agentCalls.get();
      int bedrockBefore = bedrockCalls.get();
      for (int i = 0; i < runs; i++) {
        List<Subject> round = new ArrayList<>(order);
        if (i % 2 == 1) {
          Collections.reverse(round);
        }
        for (Subject s : round) {
          Run r = launch(s, java, flags, event, List.of());
          (s == bare ? bareRuns : s == proxy ? proxyRuns : offlineRuns).add(r);
        }
      }
      System.out.printf(Locale.ROOT, "  load average at end: %s; per proxy run: %.1f agent calls, %.1f Converse calls%n",
          loadAverage(), (agentCalls.get() - agentBefore) / (double) (runs * (order.size() - 1)),
          (bedrockCalls.get() - bedrockBefore) / (double) runs);
      System.out.println();
      printTable(bareRuns, proxyRuns, withOffline ? offlineRuns : null);
      double ratio = median(proxyRuns, Run::totalMs) / median(bareRuns, Run::totalMs);
      double[] perPair = new double[runs];
      for (int i = 0; i < runs; i++) {
        perPair[i] = proxyRuns.get(i).totalMs() / bareRuns.get(i).totalMs();
      }
      Arrays.sort(perPair);
      System.out.printf(Locale.ROOT, "%nratio of medians (proxy / bare): %.2f   per-round ratios: median %.2f, min %.2f, max %.2f%n",
          ratio, quantile(perPair, 0.5), perPair[0], perPair[perPair.length - 1]);
      if (withOffline) {
        System.out.printf(Locale.ROOT, "ratio of medians (proxy-offline / bare): %.2f%n",
            median(offlineRuns, Run::totalMs) / median(bareRuns, Run::totalMs));
      }

      List<Run> primed = new ArrayList<>();
      if (primedRuns > 0) {
        for (int i = 0; i < primedRuns; i++) {
          primed.add(launch(proxy, java, flags, event, List.of("--prime", "--invocations", "5")));
        }
        System.out.printf(Locale.ROOT, "%nfirst invoke of the proxy: %.1f ms unprimed (median of %d) vs %.1f ms after the "
            + "beforeCheckpoint dry run (median of %d; the dry run itself took %.0f ms at init).%n",
            median(proxyRuns, Run::invokeMs), proxyRuns.size(), median(primed, Run::invokeMs), primed.size(),
            median(primed, Run::primeMs));
        System.out.println("  following invokes after priming (ms): " + primed.get(primed.size() - 1).following());
      }

      System.out.println();
      classLoads(bare, java, flags, event);
      classLoads(proxy, java, flags, event);
      if (withOffline) {
        classLoads(offline, java, flags, event);
      }

      String also = opt.get("also-flags");
      if (also != null) {
        int n = Math.max(3, runs / 2);
        List<Run> b2 = new ArrayList<>();
        List<Run> p2 = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          b2.add(launch(bare, java, also, event, List.of()));
          p2.add(launch(proxy, java, also, event, List.of()));
        }
        System.out.printf(Locale.ROOT, "%nwith flags [%s] instead (%d runs each): bare %.0f ms, proxy %.0f ms, ratio %.2f%n",
            also.isBlank() ? "JVM defaults" : also, n, median(b2, Run::totalMs), median(p2, Run::totalMs),
            median(p2, Run::totalMs) / median(b2, Run::totalMs));
      }

      if ("true".equals(opt.get("appcds"))) {
        // Not a Lambda lever (an archive must match the runtime's exact JVM build and classpath, and the managed
        // runtime's JDK is updated under the function): it shows how much of the gap is class loading.
        int n = Math.max(3, runs / 2);
        List<Run> b3 = new ArrayList<>();
        List<Run> p3 = new ArrayList<>();
        String bareJsa = out.resolve("bare.jsa").toString();
        String proxyJsa = out.resolve("proxy.jsa").toString();
        Files.deleteIfExists(Path.of(bareJsa));
        Files.deleteIfExists(Path.of(proxyJsa));
        launch(bare, java, flags, event, List.of(), "-XX:ArchiveClassesAtExit=" + bareJsa);
        launch(proxy, java, flags, event, List.of(), "-XX:ArchiveClassesAtExit=" + proxyJsa);
        for (int i = 0; i < n; i++) {
          b3.add(launch(bare, java, flags, event, List.of(), "-XX:SharedArchiveFile=" + bareJsa));
          p3.add(launch(proxy, java, flags, event, List.of(), "-XX:SharedArchiveFile=" + proxyJsa));
        }
        System.out.printf(Locale.ROOT, "%nwith an application CDS archive per subject (dynamic, from one training run; %d runs "
            + "each): bare %.0f ms, proxy %.0f ms (init %.0f, first invoke %.0f), ratio %.2f%n", n,
            median(b3, Run::totalMs), median(p3, Run::totalMs), median(p3, Run::initMs), median(p3, Run::invokeMs),
            median(p3, Run::totalMs) / median(b3, Run::totalMs));
      }

      double restoredRatio = Double.NaN;
      if (criu != null) {
        restoredRatio = restoreComparison(criu, bare, proxy, java, flags, event,
            Integer.parseInt(opt.getOrDefault("restores", Integer.toString(runs))), median(bareRuns, Run::totalMs));
      }

      Files.writeString(out.resolve("runs.csv"), csv(bareRuns, proxyRuns, offlineRuns));
      System.out.println();
      System.out.printf(Locale.ROOT, "coldstart_bare_median_ms=%.1f%n", median(bareRuns, Run::totalMs));
      System.out.printf(Locale.ROOT, "coldstart_proxy_median_ms=%.1f%n", median(proxyRuns, Run::totalMs));
      if (withOffline) {
        System.out.printf(Locale.ROOT, "coldstart_proxy_offline_median_ms=%.1f%n", median(offlineRuns, Run::totalMs));
      }
      System.out.printf(Locale.ROOT, "coldstart_bare_first_invoke_ms=%.1f%n", median(bareRuns, Run::invokeMs));
      System.out.printf(Locale.ROOT, "coldstart_proxy_first_invoke_ms=%.1f%n", median(proxyRuns, Run::invokeMs));
      if (!primed.isEmpty()) {
        System.out.printf(Locale.ROOT, "coldstart_proxy_first_invoke_primed_ms=%.1f%n", median(primed, Run::invokeMs));
      }
      System.out.printf(Locale.ROOT, "coldstart_ratio_plain_jvm=%.2f%n", ratio);
      // The figure for the function as deployed: the template puts SnapStart on the chat proxy, so its cold start is
      // a restore; without CRIU here, the plain JVM's figure is all there is.
      System.out.printf(Locale.ROOT, "coldstart_ratio=%.2f%n", Double.isNaN(restoredRatio) ? ratio : restoredRatio);
    } finally {
      agent.stop(0);
    }
  }

  record Subject(String name, String jar, String handler, String profile) {}

  private Run launch(Subject s, String java, String flags, String event, List<String> extra) throws Exception {
    return launch(s, java, flags, event, extra, null);
  }

  private Run launch(Subject s, String java, String flags, String event, List<String> extra, String jvmExtra)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    for (String f : flags.trim().split("\\s+")) {
      if (!f.isEmpty()) {
        cmd.add(f);
      }
    }
    if (jvmExtra != null) {
      cmd.add(jvmExtra);
    }
    cmd.add("-cp");
    cmd.add(opt.get("launcher-jar") + File.pathSeparator + s.jar);
    cmd.add(ColdStartLauncher.class.getName());
    cmd.add(s.handler);
    cmd.add(event);
    cmd.addAll(extra);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    environment(pb, s);
    pb.redirectError(out.resolve(s.name + ".stderr.log").toFile());
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
      throw new IllegalStateException(s.name + " run failed (exit " + exit + "): " + String.join("\n", tail)
          + "\nstderr: " + Files.readString(out.resolve(s.name + ".stderr.log")));
    }
    Map<String, String> f = new HashMap<>();
    for (String kv : marker.substring("COLDSTART ".length()).split(" ")) {
      int eq = kv.indexOf('=');
      f.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    int status = Integer.parseInt(f.get("status"));
    if (status != 200) {
      throw new IllegalStateException(s.name + " answered " + status + ", not 200: " + String.join("\n", tail));
    }
    return new Run(s.name, totalMs, Double.parseDouble(f.get("init_ms")), Double.parseDouble(f.get("invoke_ms")),
        Double.parseDouble(f.get("main_to_ready_ms")), Double.parseDouble(f.get("prime_ms")), status, lines, following);
  }

  /** The function's environment, as the template sets it, pointing at this process's agent and Bedrock stub. */
  private void environment(ProcessBuilder pb, Subject s) {
    Map<String, String> env = pb.environment();
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.put("APPCONFIG_APPLICATION", "local");
    env.put("APPCONFIG_ENVIRONMENT", "bench");
    env.put("APPCONFIG_PROFILE", s.profile);
    env.put("APPCONFIG_AGENT_URL", "http://127.0.0.1:" + agent.getAddress().getPort());
    env.put("CANARY_SECRET", "cold-start-benchmark-secret-0123456789abcdef");
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDCOLDSTARTBENCH");
    env.put("AWS_SECRET_ACCESS_KEY", "cold-start-benchmark-not-a-secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("BEDROCK_ENDPOINT_URL", "http://127.0.0.1:" + agent.getAddress().getPort());
  }

  // ---- SnapStart's sequence with a real snapshot: init + beforeCheckpoint, CRIU dump, then restores

  /** A process snapshot of one subject, taken after init and its beforeCheckpoint hook. */
  record Snapshot(Subject subject, Path dir, Path images, long imageBytes, double dumpMs, double primeMs) {}

  /** One restore: criu restore started → process running again → first response ready. */
  record Restored(String who, double totalMs, double restoreMs, double afterRestoreToReadyMs, double invokeMs) {}

  private Snapshot snapshot(Subject s, String criu, String java, String flags, String event) throws Exception {
    return snapshot(s, criu, java, flags, event, false);
  }

  private Snapshot snapshot(Subject s, String criu, String java, String flags, String event, boolean logClassLoads)
      throws Exception {
    Path dir = out.resolve("snapstart-" + s.name + (logClassLoads ? "-classload" : "")).toAbsolutePath();
    deleteTree(dir);
    Path images = Files.createDirectories(dir.resolve("images"));
    List<String> cmd = new ArrayList<>();
    // Its own session, so the dumped tree is the JVM alone (no shell or terminal from outside the tree).
    cmd.add("setsid");
    cmd.add(java);
    for (String f : flags.trim().split("\\s+")) {
      if (!f.isEmpty()) {
        cmd.add(f);
      }
    }
    // The JVM's perf-data file (a shared mapping in /tmp) is not wanted in the image; the same for both subjects.
    cmd.add("-XX:-UsePerfData");
    if (logClassLoads) {
      cmd.add("-Xlog:class+load=info:file=" + dir.resolve("classload.log") + ":uptime");
    }
    cmd.add("-cp");
    cmd.add(opt.get("launcher-jar") + File.pathSeparator + s.jar);
    cmd.add(ColdStartLauncher.class.getName());
    cmd.add(s.handler);
    cmd.add(Path.of(event).toAbsolutePath().toString());
    cmd.add("--checkpoint");
    cmd.add(dir.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    environment(pb, s);
    // A SnapStart function gets no keys in its environment: its credentials come from Lambda's container
    // credentials endpoint (here the stub), so a restored snapshot asks for fresh ones.
    Map<String, String> env = pb.environment();
    env.remove("AWS_ACCESS_KEY_ID");
    env.remove("AWS_SECRET_ACCESS_KEY");
    env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + agent.getAddress().getPort() + "/credentials");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "cold-start-benchmark-token");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(dir.resolve("stdout.log").toFile());
    pb.redirectError(dir.resolve("stderr.log").toFile());
    Process p = pb.start();
    Path ready = dir.resolve("ready");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(ready)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException(s.name + ": no checkpoint point reached (exit " + (p.isAlive() ? "-" : p.exitValue())
            + "): " + Files.readString(dir.resolve("stderr.log")) + Files.readString(dir.resolve("stdout.log")));
      }
      Thread.sleep(5);
    }
    double primeMs = Double.parseDouble(Files.readString(ready).trim().substring("prime_ms=".length()));
    long t0 = System.nanoTime();
    // Connections still open at the checkpoint are dumped and come back closed, as after a SnapStart restore.
    int rc = criu(criu, images, "dump", "-t", Long.toString(p.pid()), "--tcp-established");
    double dumpMs = (System.nanoTime() - t0) / 1e6;
    if (rc != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(s.name + ": criu dump failed (" + rc + "); see " + images.resolve("dump.log")
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

  private Restored restore(Snapshot snap, String criu) throws Exception {
    Path dir = snap.dir();
    // The restored process writes on at the offsets its files had at the dump; CRIU checks their sizes.
    Files.copy(dir.resolve("stdout.snapshot"), dir.resolve("stdout.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dir.resolve("stderr.snapshot"), dir.resolve("stderr.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (Files.exists(dir.resolve("classload.snapshot"))) {
      Files.copy(dir.resolve("classload.snapshot"), dir.resolve("classload.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    long t0 = ColdStartLauncher.epochMicros();
    // Without --restore-detached criu waits for the restored JVM, which exits after its first response.
    int rc = criu(criu, snap.images(), "restore", "--tcp-close");
    String stdout = Files.readString(dir.resolve("stdout.log"));
    String marker = stdout.lines().filter(l -> l.startsWith("COLDSTART ")).findFirst().orElse(null);
    if (rc != 0 || marker == null) {
      throw new IllegalStateException(snap.subject().name + ": restore failed (criu exit " + rc + "):\n"
          + tail(snap.images().resolve("restore.log"), 15) + "\nstdout: " + stdout + "\nstderr: "
          + Files.readString(dir.resolve("stderr.log")));
    }
    Map<String, String> f = new HashMap<>();
    for (String kv : marker.substring("COLDSTART ".length()).split(" ")) {
      int eq = kv.indexOf('=');
      f.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (!"200".equals(f.get("status"))) {
      throw new IllegalStateException(snap.subject().name + " answered " + f.get("status") + " after a restore: " + stdout);
    }
    long wake = Long.parseLong(f.get("wake_epoch_us"));
    long ready = Long.parseLong(f.get("ready_epoch_us"));
    return new Restored(snap.subject().name, (ready - t0) / 1000.0, (wake - t0) / 1000.0, (ready - wake) / 1000.0,
        Double.parseDouble(f.get("invoke_ms")));
  }

  private static int criu(String criu, Path images, String action, String... args) throws Exception {
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
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /**
   * Bare and proxy each snapshotted once, then restored {@code runs} times, alternating (ABBA). Returns the ratio of
   * the medians of restore-to-first-response.
   */
  private double restoreComparison(String criu, Subject bare, Subject proxy, String java, String flags, String event,
      int runs, double plainBareMedianMs) throws Exception {
    Snapshot sb = snapshot(bare, criu, java, flags, event);
    Snapshot sp = snapshot(proxy, criu, java, flags, event);
    restore(sb, criu);
    restore(sp, criu);
    List<Restored> rb = new ArrayList<>();
    List<Restored> rp = new ArrayList<>();
    int agentBefore = agentCalls.get();
    int bedrockBefore = bedrockCalls.get();
    int credentialsBefore = credentialCalls.get();
    for (int i = 0; i < runs; i++) {
      if (i % 2 == 0) {
        rb.add(restore(sb, criu));
        rp.add(restore(sp, criu));
      } else {
        rp.add(restore(sp, criu));
        rb.add(restore(sb, criu));
      }
    }
    // Each proxy restore must have done the production path's work: one agent read, one credentials fetch from the
    // container endpoint, one Converse call; otherwise the figure would time something else.
    int[] perRestore = {agentCalls.get() - agentBefore, credentialCalls.get() - credentialsBefore,
        bedrockCalls.get() - bedrockBefore};
    if (perRestore[0] != runs || perRestore[1] != runs || perRestore[2] != runs) {
      throw new IllegalStateException("over " + runs + " proxy restores: " + perRestore[0] + " agent reads, "
          + perRestore[1] + " credentials fetches, " + perRestore[2] + " Converse calls; expected one each per restore");
    }
    System.out.printf(Locale.ROOT, "%nSnapStart's sequence with a real process snapshot (CRIU %s): init, beforeCheckpoint, "
        + "dump; then %d restores each, alternating; per proxy restore: %.1f agent calls, %.1f Converse calls, %.1f "
        + "container-credentials calls%n",
        criuVersion(criu), runs, (agentCalls.get() - agentBefore) / (double) runs,
        (bedrockCalls.get() - bedrockBefore) / (double) runs, (credentialCalls.get() - credentialsBefore) / (double) runs);
    System.out.printf(Locale.ROOT, "  snapshot: bare %.1f MiB (dump %.0f ms), proxy %.1f MiB (dump %.0f ms; its beforeCheckpoint "
        + "dry run took %.0f ms)%n", sb.imageBytes() / 1048576.0, sb.dumpMs(), sp.imageBytes() / 1048576.0, sp.dumpMs(),
        sp.primeMs());
    System.out.printf(Locale.ROOT, "%-40s %28s %28s%n", "ms: median [p25–p75] (min–max)", "bare handler",
        "chat proxy (Bedrock)");
    restoredRow("criu restore started → first response", rb, rp, Restored::totalMs);
    restoredRow("  restore (→ process running again)", rb, rp, Restored::restoreMs);
    restoredRow("  afterRestore + first invoke", rb, rp, Restored::afterRestoreToReadyMs);
    double ratio = median(rp, Restored::totalMs) / median(rb, Restored::totalMs);
    System.out.printf(Locale.ROOT, "ratio of medians, restored proxy / restored bare: %.2f; restored proxy / bare started "
        + "from scratch (%.1f ms): %.2f%n", ratio, plainBareMedianMs, median(rp, Restored::totalMs) / plainBareMedianMs);
    restoredClassLoads(proxy, criu, java, flags, event);
    StringBuilder csv = new StringBuilder("round,subject,total_ms,restore_ms,after_restore_to_ready_ms,invoke_ms\n");
    for (int i = 0; i < runs; i++) {
      for (Restored r : List.of(rb.get(i), rp.get(i))) {
        csv.append(String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f%n", i, r.who(), r.totalMs(), r.restoreMs(),
            r.afterRestoreToReadyMs(), r.invokeMs()));
      }
    }
    Files.writeString(out.resolve("restored-runs.csv"), csv);
    System.out.printf(Locale.ROOT, "coldstart_restored_bare_median_ms=%.1f%n", median(rb, Restored::totalMs));
    System.out.printf(Locale.ROOT, "coldstart_restored_proxy_median_ms=%.1f%n", median(rp, Restored::totalMs));
    System.out.printf(Locale.ROOT, "coldstart_restored_ratio=%.2f%n", ratio);
    return ratio;
  }

  /**
   * What the snapshot left cold: one more snapshot of the subject with {@code -Xlog:class+load}, restored once; the
   * classes loaded after the restore (the launcher's {@code PhaseRestored} marker) are the request path that the
   * beforeCheckpoint dry run did not reach. Printed per library; the names are in {@code <dir>/after-restore.txt}.
   */
  private void restoredClassLoads(Subject s, String criu, String java, String flags, String event) throws Exception {
    Snapshot snap = snapshot(s, criu, java, flags, event, true);
    Restored r = restore(snap, criu);
    List<String> after = new ArrayList<>();
    Map<String, Integer> byGroup = new TreeMap<>();
    boolean restored = false;
    for (String line : Files.readAllLines(snap.dir().resolve("classload.log"))) {
      int close = line.indexOf("s] ");
      if (!line.startsWith("[") || close < 0) {
        continue;
      }
      String rest = line.substring(close + 3);
      String cls = rest.split(" ", 2)[0];
      if (cls.endsWith("ColdStartLauncher$PhaseRestored")) {
        restored = true;
      } else if (cls.endsWith("ColdStartLauncher$PhaseInvokeDone")) {
        break;
      } else if (restored) {
        after.add(cls);
        byGroup.merge(group(cls, rest), 1, Integer::sum);
      }
    }
    Files.write(snap.dir().resolve("after-restore.txt"), after);
    System.out.printf(Locale.ROOT, "  classes the %s loaded between the restore and its first response (that run: %.0f ms): %d%s%n",
        s.name, r.totalMs(), after.size(), byGroup.isEmpty() ? "" : "; " + byGroup.entrySet().stream()
            .sorted((a, b) -> b.getValue() - a.getValue()).map(e -> e.getKey() + " " + e.getValue())
            .reduce((a, b) -> a + ", " + b).orElse(""));
  }

  private static void restoredRow(String label, List<Restored> a, List<Restored> b, ToDoubleFunction<Restored> f) {
    System.out.printf(Locale.ROOT, "%-40s %28s %28s%n", label, cell(a, f), cell(b, f));
  }

  private static String criuVersion(String criu) {
    try {
      Process p = new ProcessBuilder(criu, "--version").redirectErrorStream(true).start();
      String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
      p.waitFor();
      return first.replace("Version: ", "").trim();
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  // ---- class loading per phase and per library

  private void classLoads(Subject s, String java, String flags, String event) throws Exception {
    Path log = out.resolve(s.name + "-classload.log");
    Files.deleteIfExists(log);
    Run r = launch(s, java, flags, event, List.of(), "-Xlog:class+load=info:file=" + log + ":uptime");
    String[] phases = {"JVM boot + launcher", "init", "first invoke"};
    Map<String, int[]> byGroup = new TreeMap<>();
    Map<String, double[]> msByGroup = new TreeMap<>();
    int[] total = new int[3];
    double[] phaseEnd = new double[3];
    int phase = 0;
    double previous = 0;
    for (String line : Files.readAllLines(log)) {
      // [0.123s] java.lang.Object source: shared objects file
      int close = line.indexOf("s] ");
      int name0 = close + 3;
      if (!line.startsWith("[") || close < 0) {
        continue;
      }
      String rest = line.substring(name0);
      String cls = rest.split(" ", 2)[0];
      double at = Double.parseDouble(line.substring(1, close));
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
      String group = group(cls, rest);
      byGroup.computeIfAbsent(group, g -> new int[3])[phase]++;
      // The time since the previous class load is charged to this class's library: roughly, the work that led
      // to needing it (loading, linking, verifying, and running the code that came before in that library).
      msByGroup.computeIfAbsent(group, g -> new double[3])[phase] += (at - previous) * 1000;
      previous = at;
      total[phase]++;
    }
    System.out.printf(Locale.ROOT, "classes loaded (and ms charged), %s: one run with -Xlog:class+load, process total %.0f ms%n",
        s.name, r.totalMs());
    System.out.printf(Locale.ROOT, "  %-44s %20s %16s %16s%n", "", phases[0], phases[1], phases[2]);
    System.out.printf(Locale.ROOT, "  %-44s %20.0f %16.0f %16.0f%n", "phase ends at JVM uptime (ms)",
        phaseEnd[0] * 1000, phaseEnd[1] * 1000, phaseEnd[2] * 1000);
    byGroup.entrySet().stream()
        .sorted((a, b) -> Integer.compare(b.getValue()[1] + b.getValue()[2], a.getValue()[1] + a.getValue()[2]))
        .forEach(e -> {
          double[] ms = msByGroup.get(e.getKey());
          System.out.printf(Locale.ROOT, "  %-44s %20d %9d (%4.0f) %9d (%4.0f)%n", e.getKey(), e.getValue()[0],
              e.getValue()[1], ms[1], e.getValue()[2], ms[2]);
        });
    System.out.printf(Locale.ROOT, "  %-44s %20d %16d %16d%n", "all", total[0], total[1], total[2]);
    System.out.println();
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

  // ---- the agent stub

  private void startAgent(String proxyJar) throws IOException {
    byte[] doc;
    String configFile = opt.get("config");
    if (configFile != null) {
      doc = Files.readAllBytes(Path.of(configFile));
    } else {
      try (JarFile jar = new JarFile(proxyJar)) {
        ZipEntry e = jar.getEntry("io/llmcanary/proxy/offline-rollout.json");
        if (e == null) {
          throw new IllegalStateException(proxyJar + " holds no io/llmcanary/proxy/offline-rollout.json; pass --config");
        }
        try (InputStream in = jar.getInputStream(e)) {
          doc = in.readAllBytes();
        }
      }
    }
    String offlineDoc = new String(doc, StandardCharsets.UTF_8);
    byte[] bedrockDoc = offlineDoc.replace("\"offline\"", "\"bedrock\"")
        .replace("offline-stable", "anthropic.claude-3-5-sonnet-20240620-v1:0")
        .replace("offline-canary", "deepseek.r1-v1:0").getBytes(StandardCharsets.UTF_8);
    agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    for (Map.Entry<String, byte[]> profile : Map.of("rollout-offline", doc, "rollout-bedrock", bedrockDoc).entrySet()) {
      agent.createContext("/applications/local/environments/bench/configurations/" + profile.getKey(), x -> {
        agentCalls.incrementAndGet();
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.getResponseHeaders().add("Configuration-Version", "1");
        send(x, profile.getValue());
      });
    }
    // Bedrock Runtime Converse (REST-JSON), answered at once: the model's own latency is not the proxy's.
    byte[] converse = ("{\"metrics\":{\"latencyMs\":1},\"output\":{\"message\":{\"content\":[{\"text\":"
        + "\"Canary releases expose a change to a few users first and widen it only when it holds up.\"}],"
        + "\"role\":\"assistant\"}},\"stopReason\":\"end_turn\","
        + "\"usage\":{\"inputTokens\":25,\"outputTokens\":18,\"totalTokens\":43}}").getBytes(StandardCharsets.UTF_8);
    // Lambda's container credentials endpoint, for the snapshot runs (SnapStart functions get credentials there).
    agent.createContext("/credentials", x -> {
      credentialCalls.incrementAndGet();
      x.getResponseHeaders().add("Content-Type", "application/json");
      // Not kept alive: the priming step's fetch would otherwise leave a TCP connection open at the checkpoint, and
      // CRIU cannot dump TCP sockets on every kernel (SnapStart just drops them).
      x.getResponseHeaders().add("Connection", "close");
      send(x, ("{\"AccessKeyId\":\"ASIACOLDSTARTBENCH\",\"SecretAccessKey\":\"cold-start-benchmark-not-a-secret\","
          + "\"Token\":\"cold-start-benchmark-session\",\"Expiration\":\""
          + java.time.Instant.now().plus(java.time.Duration.ofHours(6)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          + "\"}").getBytes(StandardCharsets.UTF_8));
    });
    agent.createContext("/model/", x -> {
      bedrockCalls.incrementAndGet();
      x.getRequestBody().transferTo(OutputStream.nullOutputStream());
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.getResponseHeaders().add("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000");
      send(x, converse);
    });
    agent.start();
  }

  private static void send(com.sun.net.httpserver.HttpExchange x, byte[] body) throws IOException {
    x.sendResponseHeaders(200, body.length);
    try (OutputStream os = x.getResponseBody()) {
      os.write(body);
    }
  }

  // ---- statistics and output

  static <T> double median(List<T> runs, ToDoubleFunction<T> f) {
    return quantile(runs.stream().mapToDouble(f).sorted().toArray(), 0.5);
  }

  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  private static void printTable(List<Run> bare, List<Run> proxy, List<Run> offline) {
    System.out.printf(Locale.ROOT, "%-32s %28s %28s %28s%n", "ms: median [p25–p75] (min–max)", "bare handler",
        "chat proxy (Bedrock)", offline == null ? "" : "chat proxy (offline model)");
    row("process spawn → first response", bare, proxy, offline, Run::totalMs);
    row("  JVM boot → launcher main", bare, proxy, offline, Run::bootMs);
    row("  init (handler constructor)", bare, proxy, offline, Run::initMs);
    row("  first invoke", bare, proxy, offline, Run::invokeMs);
  }

  private static void row(String label, List<Run> a, List<Run> b, List<Run> c, ToDoubleFunction<Run> f) {
    System.out.printf(Locale.ROOT, "%-32s %28s %28s %28s%n", label, cell(a, f), cell(b, f), c == null ? "" : cell(c, f));
  }

  private static <T> String cell(List<T> runs, ToDoubleFunction<T> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return String.format(Locale.ROOT, "%.1f [%.0f–%.0f] (%.0f–%.0f)", quantile(v, 0.5), quantile(v, 0.25),
        quantile(v, 0.75), v[0], v[v.length - 1]);
  }

  private static String csv(List<Run> bare, List<Run> proxy, List<Run> offline) {
    StringBuilder b = new StringBuilder("round,subject,total_ms,boot_ms,init_ms,invoke_ms\n");
    for (int i = 0; i < bare.size(); i++) {
      List<Run> round = offline.isEmpty() ? List.of(bare.get(i), proxy.get(i))
          : List.of(bare.get(i), proxy.get(i), offline.get(i));
      for (Run r : round) {
        b.append(String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f%n", i, r.who(), r.totalMs(), r.bootMs(),
            r.initMs(), r.invokeMs()));
      }
    }
    return b.toString();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static String javaVersion(String java) {
    try {
      Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
      String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
      p.waitFor();
      return first;
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }
}
