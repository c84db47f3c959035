package io.llmcanary.local.cli;

import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.local.sim.RolloutSimulation;
import io.llmcanary.local.sim.Scenario;
import io.llmcanary.local.sim.SimulationResult;
import io.llmcanary.local.sim.SimulationSettings;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.local.sim.HtmlReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code canaryctl demo}: the main job on embedded defaults. A healthy canary climbs 5 → 25 → 50 → 100% and
 * is promoted; then a canary whose quality dropped 20% is rolled back. Simulated clock, real decisions.
 */
@Command(name = "demo",
    header = "run two whole rollouts offline: a healthy canary promoted, a regressing one rolled back",
    description = """
        Runs two rollouts on a simulated clock with embedded defaults (no AWS account needed):
          1. a canary as good as stable climbs 5%% -> 25%% -> 50%% -> 100%%, a day per stage, approved at each gate;
          2. a canary whose quality is 20%% lower is caught by the health check and rolled back.
        It runs the same actions as the deployed functions, on embedded adapters: every 15 simulated minutes
        the health check's run (judge on everything since the stage began plus the last hour; on a regression
        the conditional rollback, canary 0%% in the config, the alert), and the promotion workflow's states and
        actions (apply stage, gate, approval request, decision, finalize). Only the traffic is synthetic: what
        the proxies would write to CloudWatch is drawn from a known truth and read back through the same port.""",
    exitCodeList = {"0:the demo behaved as expected", "1:it did not", "2:usage error"})
public final class DemoCommand implements Subcommand {

  @Option(names = "--seed", paramLabel = "N", description = "random seed of the synthetic traffic (default 7)")
  long seed = 7;

  @Option(names = "--rpm", paramLabel = "N", description = "requests per minute, both versions together (default 100)")
  Double rpm;

  @Option(names = "--report", paramLabel = "PATH", description = "where to write the HTML report with charts"
      + " (default reports/demo.html)")
  String report = "reports/demo.html";

  @Option(names = "--json", description = "print both results as JSON")
  boolean json;

  @Override
  public int run(PrintStream out, PrintStream err) {
    double rpm = UsageException.within("--rpm", this.rpm, 100, 1, 100_000);
    CanaryPolicy judge = new SequentialJudge();
    SimulationResult healthy = new RolloutSimulation(
        SimulationSettings.of(Scenario.HEALTHY, rpm, SimulationSettings.DEFAULT_USERS), judge, true).run(seed);
    SimulationResult regressing = new RolloutSimulation(
        SimulationSettings.of(Scenario.QUALITY_20, rpm, SimulationSettings.DEFAULT_USERS), judge, true).run(seed + 1);
    if (json) {
      out.println(JsonOutput.write(java.util.Map.of("healthy", JsonOutput.result(healthy),
          "regressing", JsonOutput.result(regressing))));
    } else {
      Style style = Style.detect();
      TimelinePrinter printer = new TimelinePrinter(style);
      out.println(style.bold("== Rollout 1: a healthy canary (" + (long) rpm + " requests/min, seed " + seed + ") =="));
      printer.print(healthy, out);
      out.println();
      out.println(style.bold("== Rollout 2: canary quality 20% lower (" + (long) rpm + " requests/min, seed " + (seed + 1) + ") =="));
      printer.print(regressing, out);
      out.println();
      out.println("Next: ./canaryctl simulate --scenario aa --trials 200   (false rollbacks: this judge vs the naive rule)");
    }
    Path report = Path.of(this.report);
    try {
      HtmlReport.write(report, "llm-canary demo (seed " + seed + ", " + (long) rpm + " requests/min)",
          List.of(new HtmlReport.Section("Rollout 1: healthy canary", healthy),
              new HtmlReport.Section("Rollout 2: canary quality 20% lower", regressing)),
          Guardrails.defaults());
      (json ? err : out).println("Report with charts: " + report.toAbsolutePath());
    } catch (IOException e) {
      err.println("demo: could not write the report to " + report.toAbsolutePath() + ": " + e.getMessage()
          + " (choose another path with --report)");
      return FAILED;
    }
    boolean expected = "PROMOTED".equals(healthy.outcome()) && regressing.rolledBack();
    if (!expected) {
      err.println("demo: unexpected outcome (healthy: " + healthy.outcome() + ", regressing: " + regressing.outcome()
          + "); try another --seed, and please report it");
    }
    return expected ? OK : FAILED;
  }
}
