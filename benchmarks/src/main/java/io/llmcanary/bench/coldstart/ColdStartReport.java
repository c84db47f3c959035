package io.llmcanary.bench.coldstart;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The cold-start runner's output: the printed lines and tables (cells are "median [p25–p75] (min–max)" in ms), the
 * closing {@code name=value} figures that benchmarks/run.sh reads, and the CSV files of the single runs.
 */
final class ColdStartReport {

  /** The plain-JVM rounds: one run of each subject per round; {@code offline} is empty without that variant. */
  record Rounds(List<Run> bare, List<Run> proxy, List<Run> offline) {
    double ratio() {
      return Stats.median(proxy, Run::totalMs) / Stats.median(bare, Run::totalMs);
    }
  }

  private final PrintStream out;

  ColdStartReport(PrintStream out) {
    this.out = out;
  }

  void header(RunnerOptions o) throws IOException {
    out.println("cold start: " + o.java() + " (" + javaVersion(o.java()) + ")");
    out.println("  flags: " + o.flags());
    out.println("  event: " + o.event() + "; runs: " + o.runs() + " each, alternating (ABBA), after 1 discarded run each");
    out.println("  proxy: config with both versions on Bedrock (Converse answered by a loopback stub)"
        + (o.offline() ? "; proxy-offline: both versions on the offline model (no SDK call)" : ""));
    out.println("  bare:  " + o.bareJar() + " (" + Files.size(Path.of(o.bareJar())) / 1024 + " KiB)");
    out.println("  proxy: " + o.subjectJar() + " (" + Files.size(Path.of(o.subjectJar())) / 1024 + " KiB)");
    out.println("  machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
        + loadAverage() + " at start");
  }

  /** {@code used}: the stub's calls over all rounds, per proxy run (both proxy variants read the agent). */
  void rounds(Rounds r, AgentStub.Counts used) {
    int runs = r.bare().size();
    int proxyVariants = r.offline().isEmpty() ? 1 : 2;
    out.printf(Locale.ROOT, "  load average at end: %s; per proxy run: %.1f agent calls, %.1f Converse calls%n",
        loadAverage(), used.agent() / (double) (runs * proxyVariants), used.converse() / (double) runs);
    out.println();
    List<Run> offline = r.offline().isEmpty() ? null : r.offline();
    out.printf(Locale.ROOT, "%-32s %28s %28s %28s%n", "ms: median [p25–p75] (min–max)", "bare handler",
        "chat proxy (Bedrock)", offline == null ? "" : "chat proxy (offline model)");
    row("process spawn → first response", r, Run::totalMs);
    row("  JVM boot → launcher main", r, Run::bootMs);
    row("  init (handler constructor)", r, Run::initMs);
    row("  first invoke", r, Run::invokeMs);
    double[] perPair = new double[runs];
    for (int i = 0; i < runs; i++) {
      perPair[i] = r.proxy().get(i).totalMs() / r.bare().get(i).totalMs();
    }
    Arrays.sort(perPair);
    out.printf(Locale.ROOT, "%nratio of medians (proxy / bare): %.2f   per-round ratios: median %.2f, min %.2f, max %.2f%n",
        r.ratio(), Stats.quantile(perPair, 0.5), perPair[0], perPair[perPair.length - 1]);
    if (offline != null) {
      out.printf(Locale.ROOT, "ratio of medians (proxy-offline / bare): %.2f%n",
          Stats.median(offline, Run::totalMs) / Stats.median(r.bare(), Run::totalMs));
    }
  }

  private void row(String label, Rounds r, ToDoubleFunction<Run> f) {
    out.printf(Locale.ROOT, "%-32s %28s %28s %28s%n", label, cell(r.bare(), f), cell(r.proxy(), f),
        r.offline().isEmpty() ? "" : cell(r.offline(), f));
  }

  void primed(List<Run> unprimed, List<Run> primed) {
    out.printf(Locale.ROOT, "%nfirst invoke of the proxy: %.1f ms unprimed (median of %d) vs %.1f ms after the "
        + "beforeCheckpoint dry run (median of %d; the dry run itself took %.0f ms at init).%n",
        Stats.median(unprimed, Run::invokeMs), unprimed.size(), Stats.median(primed, Run::invokeMs), primed.size(),
        Stats.median(primed, Run::primeMs));
    out.println("  following invokes after priming (ms): " + primed.get(primed.size() - 1).following());
  }

  void classLoads(String subject, double processTotalMs, ClassLoadAttribution.PerPhase c) {
    String[] phases = ClassLoadAttribution.PHASES;
    out.printf(Locale.ROOT, "classes loaded (and ms charged), %s: one run with -Xlog:class+load, process total %.0f ms%n",
        subject, processTotalMs);
    out.printf(Locale.ROOT, "  %-44s %20s %16s %16s%n", "", phases[0], phases[1], phases[2]);
    out.printf(Locale.ROOT, "  %-44s %20.0f %16.0f %16.0f%n", "phase ends at JVM uptime (ms)",
        c.phaseEndS()[0] * 1000, c.phaseEndS()[1] * 1000, c.phaseEndS()[2] * 1000);
    c.classes().entrySet().stream()
        .sorted((a, b) -> Integer.compare(b.getValue()[1] + b.getValue()[2], a.getValue()[1] + a.getValue()[2]))
        .forEach(e -> {
          double[] ms = c.ms().get(e.getKey());
          out.printf(Locale.ROOT, "  %-44s %20d %9d (%4.0f) %9d (%4.0f)%n", e.getKey(), e.getValue()[0],
              e.getValue()[1], ms[1], e.getValue()[2], ms[2]);
        });
    out.printf(Locale.ROOT, "  %-44s %20d %16d %16d%n", "all", c.total()[0], c.total()[1], c.total()[2]);
    out.println();
  }

  void otherFlags(String flags, List<Run> bare, List<Run> proxy) {
    out.printf(Locale.ROOT, "%nwith flags [%s] instead (%d runs each): bare %.0f ms, proxy %.0f ms, ratio %.2f%n",
        flags.isBlank() ? "JVM defaults" : flags, bare.size(), Stats.median(bare, Run::totalMs),
        Stats.median(proxy, Run::totalMs), Stats.median(proxy, Run::totalMs) / Stats.median(bare, Run::totalMs));
  }

  void appCds(List<Run> bare, List<Run> proxy) {
    out.printf(Locale.ROOT, "%nwith an application CDS archive per subject (dynamic, from one training run; %d runs "
        + "each): bare %.0f ms, proxy %.0f ms (init %.0f, first invoke %.0f), ratio %.2f%n", bare.size(),
        Stats.median(bare, Run::totalMs), Stats.median(proxy, Run::totalMs), Stats.median(proxy, Run::initMs),
        Stats.median(proxy, Run::invokeMs), Stats.median(proxy, Run::totalMs) / Stats.median(bare, Run::totalMs));
  }

  /** The restore comparison's heading, table and ratios; {@code plainBareMedianMs}: NaN when not measured. */
  void restored(CriuSnapshots.Comparison c, String criuVersion, double plainBareMedianMs) {
    int runs = c.runs();
    out.printf(Locale.ROOT, "%nSnapStart's sequence with a real process snapshot (CRIU %s): init, beforeCheckpoint, "
        + "dump; then %d restores each, alternating; per proxy restore: %.1f agent calls, %.1f Converse calls, %.1f "
        + "container-credentials calls%n",
        criuVersion, runs, c.used().agent() / (double) runs, c.used().converse() / (double) runs,
        c.used().credentials() / (double) runs);
    out.printf(Locale.ROOT, "  snapshot: bare %.1f MiB (dump %.0f ms), proxy %.1f MiB (dump %.0f ms; its beforeCheckpoint "
        + "dry run took %.0f ms)%n", c.bare().imageBytes() / 1048576.0, c.bare().dumpMs(),
        c.proxy().imageBytes() / 1048576.0, c.proxy().dumpMs(), c.proxy().primeMs());
    out.printf(Locale.ROOT, "%-40s %28s %28s%n", "ms: median [p25–p75] (min–max)", "bare handler",
        "chat proxy (Bedrock)");
    restoredRow("criu restore started → first response", c, CriuSnapshots.Restored::totalMs);
    restoredRow("  restore (→ process running again)", c, CriuSnapshots.Restored::restoreMs);
    restoredRow("  afterRestore + first invoke", c, CriuSnapshots.Restored::afterRestoreToReadyMs);
    double proxyMedian = Stats.median(c.proxyRuns(), CriuSnapshots.Restored::totalMs);
    out.printf(Locale.ROOT, "ratio of medians, restored proxy / restored bare: %.2f; restored proxy / bare started "
        + "from scratch (%.1f ms): %.2f%n", c.ratio(), plainBareMedianMs, proxyMedian / plainBareMedianMs);
  }

  private void restoredRow(String label, CriuSnapshots.Comparison c, ToDoubleFunction<CriuSnapshots.Restored> f) {
    out.printf(Locale.ROOT, "%-40s %28s %28s%n", label, cell(c.bareRuns(), f), cell(c.proxyRuns(), f));
  }

  void restoredClassLoads(String subject, CriuSnapshots.RestoredClassLoads r) {
    Map<String, Integer> byGroup = r.loads().byLibrary();
    out.printf(Locale.ROOT, "  classes the %s loaded between the restore and its first response (that run: %.0f ms): %d%s%n",
        subject, r.run().totalMs(), r.loads().classes().size(), byGroup.isEmpty() ? "" : "; " + byGroup.entrySet().stream()
            .sorted((a, b) -> b.getValue() - a.getValue()).map(e -> e.getKey() + " " + e.getValue())
            .reduce((a, b) -> a + ", " + b).orElse(""));
  }

  void restoredFigures(CriuSnapshots.Comparison c) {
    out.printf(Locale.ROOT, "coldstart_restored_bare_median_ms=%.1f%n",
        Stats.median(c.bareRuns(), CriuSnapshots.Restored::totalMs));
    out.printf(Locale.ROOT, "coldstart_restored_proxy_median_ms=%.1f%n",
        Stats.median(c.proxyRuns(), CriuSnapshots.Restored::totalMs));
    out.printf(Locale.ROOT, "coldstart_restored_ratio=%.2f%n", c.ratio());
  }

  /**
   * The closing figures; {@code primed} may be empty; {@code restoredRatio} is NaN without snapshot runs.
   */
  void figures(Rounds r, List<Run> primed, double restoredRatio) {
    out.println();
    out.printf(Locale.ROOT, "coldstart_bare_median_ms=%.1f%n", Stats.median(r.bare(), Run::totalMs));
    out.printf(Locale.ROOT, "coldstart_proxy_median_ms=%.1f%n", Stats.median(r.proxy(), Run::totalMs));
    if (!r.offline().isEmpty()) {
      out.printf(Locale.ROOT, "coldstart_proxy_offline_median_ms=%.1f%n", Stats.median(r.offline(), Run::totalMs));
    }
    out.printf(Locale.ROOT, "coldstart_bare_first_invoke_ms=%.1f%n", Stats.median(r.bare(), Run::invokeMs));
    out.printf(Locale.ROOT, "coldstart_proxy_first_invoke_ms=%.1f%n", Stats.median(r.proxy(), Run::invokeMs));
    if (!primed.isEmpty()) {
      out.printf(Locale.ROOT, "coldstart_proxy_first_invoke_primed_ms=%.1f%n", Stats.median(primed, Run::invokeMs));
    }
    out.printf(Locale.ROOT, "coldstart_ratio_plain_jvm=%.2f%n", r.ratio());
    // The figure for the function as deployed: the template puts SnapStart on the chat proxy, so its cold start is
    // a restore; without CRIU here, the plain JVM's figure is all there is.
    out.printf(Locale.ROOT, "coldstart_ratio=%.2f%n", Double.isNaN(restoredRatio) ? r.ratio() : restoredRatio);
  }

  /** Only the snapshot runs were asked for: their ratio is the figure. */
  void restoreOnlyFigure(double restoredRatio) {
    out.printf(Locale.ROOT, "coldstart_ratio=%.2f%n", restoredRatio);
  }

  /** {@code runs.csv}: one row per plain-JVM run, round by round. */
  static String csv(Rounds r) {
    StringBuilder b = new StringBuilder("round,subject,total_ms,boot_ms,init_ms,invoke_ms\n");
    for (int i = 0; i < r.bare().size(); i++) {
      List<Run> round = r.offline().isEmpty() ? List.of(r.bare().get(i), r.proxy().get(i))
          : List.of(r.bare().get(i), r.proxy().get(i), r.offline().get(i));
      for (Run run : round) {
        b.append(String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f%n", i, run.who(), run.totalMs(), run.bootMs(),
            run.initMs(), run.invokeMs()));
      }
    }
    return b.toString();
  }

  /** {@code restored-runs.csv}: one row per restore, round by round. */
  static String restoredCsv(CriuSnapshots.Comparison c) {
    StringBuilder csv = new StringBuilder("round,subject,total_ms,restore_ms,after_restore_to_ready_ms,invoke_ms\n");
    for (int i = 0; i < c.runs(); i++) {
      for (CriuSnapshots.Restored r : List.of(c.bareRuns().get(i), c.proxyRuns().get(i))) {
        csv.append(String.format(Locale.ROOT, "%d,%s,%.2f,%.2f,%.2f,%.2f%n", i, r.who(), r.totalMs(), r.restoreMs(),
            r.afterRestoreToReadyMs(), r.invokeMs()));
      }
    }
    return csv.toString();
  }

  static <T> String cell(List<T> runs, ToDoubleFunction<T> f) {
    double[] v = Stats.sorted(runs, f);
    return String.format(Locale.ROOT, "%.1f [%.0f–%.0f] (%.0f–%.0f)", Stats.quantile(v, 0.5), Stats.quantile(v, 0.25),
        Stats.quantile(v, 0.75), v[0], v[v.length - 1]);
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
