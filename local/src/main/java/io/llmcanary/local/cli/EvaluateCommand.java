package io.llmcanary.local.cli;

import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.NaiveSeedPolicy;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.local.sim.Scenario;
import io.llmcanary.local.sim.SimulationSettings;
import io.llmcanary.local.sim.TrialRunner;
import io.llmcanary.local.sim.TrialSummary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code canaryctl evaluate}: every scenario, both policies, one table — what docs/judge-evaluation.md holds.
 */
@Command(name = "evaluate",
    header = "run every scenario for both policies and print the evaluation table (markdown or JSON)",
    description = """
        Runs `simulate` for every scenario (or the listed ones) with this judge and the naive seed rule, and
        prints one markdown table: false-rollback rate (A/A scenarios), detection rate and delay in
        15-minute checks (median, p90), and outcomes. docs/judge-evaluation.md is this command's output.
        The truth-model options are those of simulate.""",
    exitCodeList = {"0:done", "2:usage error"})
public final class EvaluateCommand implements Subcommand {

  @Option(names = "--trials", paramLabel = "K", description = "whole rollouts per scenario and policy (default 200)")
  Long trialsOption;

  @Mixin
  TrafficOptions traffic;

  @Option(names = "--scenarios", paramLabel = "LIST", description = "comma-separated scenario ids (default: all)")
  String list;

  @Mixin
  TruthOptions truth;

  @Option(names = "--json", description = "one JSON document: {\"trials\", \"rpm\", \"users\", \"seed\","
      + " \"scenarios\": {id: {judge, naive}}}")
  boolean json;

  @Override
  public int run(PrintStream out, PrintStream err) {
    int trials = (int) UsageException.within("--trials", trialsOption, 200, 1, 100_000);
    double rpm = traffic.rpm();
    int users = traffic.users();
    long seed = traffic.seed;
    truth.feedbackRate();
    truth.judge();
    List<Scenario> scenarios = new ArrayList<>();
    if (list == null) {
      scenarios.addAll(List.of(Scenario.values()));
    } else {
      for (String id : list.split(",")) {
        try {
          scenarios.add(Scenario.byId(id.trim()));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
    }
    Map<String, CanaryPolicy> policies = new LinkedHashMap<>();
    policies.put("judge", new SequentialJudge());
    policies.put("naive", new NaiveSeedPolicy());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("trials", trials);
    doc.put("rpm", rpm);
    doc.put("users", users);
    doc.put("seed", seed);
    doc.put("feedbackRate", truth.feedbackRate());
    doc.put("qualityJudge", SimulateCommand.judgeJson(truth.judge()));
    Map<String, Object> byScenario = new LinkedHashMap<>();
    List<String> rows = new ArrayList<>();
    for (Scenario s : scenarios) {
      SimulationSettings settings = SimulationSettings.of(s, rpm, users, truth.feedbackRate(), truth.judge());
      Map<String, Object> perPolicy = new LinkedHashMap<>();
      for (Map.Entry<String, CanaryPolicy> p : policies.entrySet()) {
        long t0 = System.nanoTime();
        TrialSummary sum = TrialRunner.run(p.getValue(), s, settings, trials, seed, i -> { });
        if (!json) {
          err.printf(Locale.ROOT, "  %-11s %-6s %d trials in %.1f s%n", s.id(), p.getKey(), trials,
              (System.nanoTime() - t0) / 1e9);
        }
        perPolicy.put(p.getKey(), SimulateCommand.summaryJson(sum));
        rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |", s.id(), p.getKey(),
            Percent.share(sum.falseRollbackRate()), Percent.share(sum.detectionRate()), Percent.share(sum.detectedInStage1()),
            n(sum.delayMedian()), n(sum.delayP90()), outcomes(sum.outcomes())));
      }
      byScenario.put(s.id(), perPolicy);
    }
    doc.put("scenarios", byScenario);
    if (json) {
      out.println(JsonOutput.write(doc));
      return OK;
    }
    out.printf(Locale.ROOT, "%d trials per scenario and policy, %.0f requests/min, %d users, seeds %d..%d; users rate"
        + " %.1f%% of answers; %s%n%n", trials, rpm, users, seed, seed + trials - 1, 100 * truth.feedbackRate(),
        truth.judge().describe());
    out.println("| scenario | policy | false rollbacks | detected | detected by check 96 | delay median (checks)"
        + " | delay p90 (checks) | outcomes |");
    out.println("|---|---|---|---|---|---|---|---|");
    rows.forEach(out::println);
    return OK;
  }

  private static String n(double d) {
    return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, "%.0f", d);
  }

  private static String outcomes(Map<String, Integer> o) {
    StringBuilder b = new StringBuilder();
    o.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
    return b.toString();
  }
}
