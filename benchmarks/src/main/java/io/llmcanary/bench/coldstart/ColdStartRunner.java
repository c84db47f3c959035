package io.llmcanary.bench.coldstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Cold start, side by side: whole-process time from spawning the JVM to the first handled /chat event, for the
 * chat-proxy Lambda jar and for a bare handler returning a constant ({@link BareHandler}), with the same JVM flags
 * and the same launcher ({@link ColdStartLauncher}), alternating bare and proxy in one session (ABBA order, so a
 * drift in machine load hits both alike). Side by side because an absolute cold-start time says as much about the
 * machine as about the function: the ratio to a bare handler on the same JVM is what the proxy's jar and init add.
 * Reports medians, spread and the ratio, then where the proxy's time goes: JVM boot vs init vs first invoke, classes
 * loaded per phase and per library (one extra run of each with {@code -Xlog:class+load}), and the first invoke of a
 * primed handler (the CRaC beforeCheckpoint dry run); with {@code --criu}, also SnapStart's sequence with a real
 * snapshot.
 *
 * <p>The AppConfig agent is a stub in this process on a loopback port ({@link AgentStub}), serving the offline
 * rollout that ships in the proxy jar. Bedrock is configured (AWS_REGION set, so the SDK client is built at init as
 * in Lambda) and answered by the same stub. This class is the driver: options in {@link RunnerOptions}, single runs
 * in {@link JvmStarts} and {@link CriuSnapshots}, class-load logs read by {@link ClassLoadAttribution}, statistics in
 * {@link Stats}, everything printed or written by {@link ColdStartReport}.
 */
public final class ColdStartRunner {

  private final RunnerOptions opt;
  private final AgentStub agent;
  private final JvmStarts starts;
  private final ColdStartReport report = new ColdStartReport(System.out);
  private final Subject bare;
  private final Subject proxy;
  private final Subject offline;

  private ColdStartRunner(RunnerOptions opt, AgentStub agent) {
    this.opt = opt;
    this.agent = agent;
    this.starts = new JvmStarts(opt.java(), opt.launcherJar(), opt.event(), opt.out(), agent);
    bare = new Subject("bare", opt.bareJar(), opt.bareHandler(), "rollout-offline");
    // The production path: both versions on Bedrock (the stub answers Converse at once), so the cold start
    // includes the SDK client build and the first signed SDK call. And the model-free path: the offline model.
    proxy = new Subject("proxy", opt.subjectJar(), opt.subjectHandler(), "rollout-bedrock");
    offline = new Subject("proxy-offline", opt.subjectJar(), opt.subjectHandler(), "rollout-offline");
  }

  public static void main(String[] args) throws Exception {
    RunnerOptions opt;
    try {
      opt = RunnerOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ColdStartRunner: " + e.getMessage() + " (see benchmarks/README.md)");
      System.exit(2);
      return;
    }
    Files.createDirectories(opt.out());
    try (AgentStub agent = AgentStub.start(opt.subjectJar(), opt.config())) {
      new ColdStartRunner(opt, agent).run();
    }
  }

  private void run() throws Exception {
    report.header(opt);
    if (opt.restoreOnly()) {
      report.restoreOnlyFigure(restoreComparison(opt.runs(), Double.NaN));
      return;
    }
    ColdStartReport.Rounds rounds = rounds();
    List<Run> primed = new ArrayList<>();
    for (int i = 0; i < opt.primedRuns(); i++) {
      primed.add(starts.launch(proxy, opt.flags(), List.of("--prime", "--invocations", "5")));
    }
    if (!primed.isEmpty()) {
      report.primed(rounds.proxy(), primed);
    }

    System.out.println();
    classLoads(bare);
    classLoads(proxy);
    if (opt.offline()) {
      classLoads(offline);
    }
    if (opt.alsoFlags() != null) {
      otherFlags(opt.alsoFlags());
    }
    if (opt.appcds()) {
      appCds();
    }
    double restoredRatio = Double.NaN;
    if (opt.criu() != null) {
      restoredRatio = restoreComparison(opt.restores(), Stats.median(rounds.bare(), Run::totalMs));
    }
    Files.writeString(opt.out().resolve("runs.csv"), ColdStartReport.csv(rounds));
    report.figures(rounds, primed, restoredRatio);
  }

  /** One discarded run of each subject, then {@code --runs} rounds, alternating the order (ABBA). */
  private ColdStartReport.Rounds rounds() throws Exception {
    List<Subject> order = opt.offline() ? List.of(bare, proxy, offline) : List.of(bare, proxy);
    for (Subject s : order) {
      starts.launch(s, opt.flags(), List.of());
    }
    List<Run> bareRuns = new ArrayList<>();
    List<Run> proxyRuns = new ArrayList<>();
    List<Run> offlineRuns = new ArrayList<>();
    AgentStub.Counts before = agent.counts();
    for (int i = 0; i < opt.runs(); i++) {
      List<Subject> round = new ArrayList<>(order);
      if (i % 2 == 1) {
        Collections.reverse(round);
      }
      for (Subject s : round) {
        Run r = starts.launch(s, opt.flags(), List.of());
        (s == bare ? bareRuns : s == proxy ? proxyRuns : offlineRuns).add(r);
      }
    }
    ColdStartReport.Rounds rounds = new ColdStartReport.Rounds(bareRuns, proxyRuns, offlineRuns);
    report.rounds(rounds, agent.counts().minus(before));
    return rounds;
  }

  private void classLoads(Subject s) throws Exception {
    Path log = opt.out().resolve(s.name() + "-classload.log");
    Files.deleteIfExists(log);
    Run r = starts.launch(s, opt.flags(), List.of(), ClassLoadAttribution.logOption(log));
    report.classLoads(s.name(), r.totalMs(), ClassLoadAttribution.perPhase(Files.readAllLines(log)));
  }

  private void otherFlags(String flags) throws Exception {
    int n = Math.max(3, opt.runs() / 2);
    List<Run> b = new ArrayList<>();
    List<Run> p = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      b.add(starts.launch(bare, flags, List.of()));
      p.add(starts.launch(proxy, flags, List.of()));
    }
    report.otherFlags(flags, b, p);
  }

  /**
   * Not a Lambda lever (an archive must match the runtime's exact JVM build and classpath, and the managed
   * runtime's JDK is updated under the function): it shows how much of the gap is class loading.
   */
  private void appCds() throws Exception {
    int n = Math.max(3, opt.runs() / 2);
    List<Run> b = new ArrayList<>();
    List<Run> p = new ArrayList<>();
    String bareJsa = opt.out().resolve("bare.jsa").toString();
    String proxyJsa = opt.out().resolve("proxy.jsa").toString();
    Files.deleteIfExists(Path.of(bareJsa));
    Files.deleteIfExists(Path.of(proxyJsa));
    starts.launch(bare, opt.flags(), List.of(), "-XX:ArchiveClassesAtExit=" + bareJsa);
    starts.launch(proxy, opt.flags(), List.of(), "-XX:ArchiveClassesAtExit=" + proxyJsa);
    for (int i = 0; i < n; i++) {
      b.add(starts.launch(bare, opt.flags(), List.of(), "-XX:SharedArchiveFile=" + bareJsa));
      p.add(starts.launch(proxy, opt.flags(), List.of(), "-XX:SharedArchiveFile=" + proxyJsa));
    }
    report.appCds(b, p);
  }

  /** The snapshot runs; returns restored proxy / restored bare (the ratio of medians). */
  private double restoreComparison(int runs, double plainBareMedianMs) throws Exception {
    CriuSnapshots snapshots = new CriuSnapshots(opt.criu(), opt.java(), opt.launcherJar(), opt.event(), opt.out(), agent);
    CriuSnapshots.Comparison c = snapshots.compare(bare, proxy, opt.flags(), runs);
    report.restored(c, snapshots.version(), plainBareMedianMs);
    report.restoredClassLoads(proxy.name(), snapshots.restoredClassLoads(proxy, opt.flags()));
    Files.writeString(opt.out().resolve("restored-runs.csv"), ColdStartReport.restoredCsv(c));
    report.restoredFigures(c);
    return c.ratio();
  }
}
