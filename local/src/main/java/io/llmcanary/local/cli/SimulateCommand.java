package io.llmcanary.local.cli;

import io.llmcanary.codec.RolloutJson;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.NaiveSeedPolicy;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.local.sim.HtmlReport;
import io.llmcanary.local.sim.Recording;
import io.llmcanary.local.sim.RolloutSimulation;
import io.llmcanary.local.sim.Scenario;
import io.llmcanary.local.sim.SimulatedJudge;
import io.llmcanary.local.sim.SimulationResult;
import io.llmcanary.local.sim.SimulationSettings;
import io.llmcanary.local.sim.TrialRunner;
import io.llmcanary.local.sim.TrialSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code canaryctl simulate}: measures a policy instead of believing it. Replays synthetic traffic with a known
 * truth and reports, for this product's judge and the seed article's naive rule side by side, the false
 * rollback rate, the detection rate and the detection delay.
 */
@Command(name = "simulate",
    header = "measure the judge against the naive rule on a scenario (false rollbacks, detection delay)",
    description = """
        Scenarios (only the canary's named quantity changes):
          aa            canary identical to stable: every rollback is a false rollback
          healthy       canary a little better (quality +2%%, cost -10%%): should climb to 100%%
          quality-5     canary quality 5%% lower        quality-10  10%% lower        quality-15  15%% lower
          quality-20    canary quality 20%% lower (0.68)
          errors-3x     canary error rate 3%% vs 1%%     latency-50  canary latency +50%%
          cost-50       canary cost +50%%               broken      canary fails half its requests
        Truth model: --rpm requests a minute with a daily cycle; stable quality 0.85 (the chance an answer is
        good), rated by users on 2%% of answers; 1%% errors; 1%% of answers failing an automatic check; latency
        log-normal around 1.2 s (p95 about 2 s); about $0.004 a request; stages 5/25/50/100%% a day each, health
        check every 15 minutes, automatic approval at each passing gate; the quality judge (pairwise by default)
        on 75%% of canary's answers, agreeing with the truth 80%% of the time.""",
    exitCodeList = {"0:done", "2:usage error"})
public final class SimulateCommand implements Subcommand {

  @Option(names = "--scenario", paramLabel = "NAME", required = true, description = "the scenario (required; see"
      + " above)")
  String scenarioName;

  @Option(names = "--trials", paramLabel = "K", description = "whole rollouts per policy (default 1: prints the"
      + " timeline)")
  Long trialsOption;

  @Mixin
  TrafficOptions traffic;

  @Mixin
  TruthOptions truth;

  @Option(names = "--report", paramLabel = "PATH", description = "with one trial: the HTML report with charts"
      + " (default reports/simulate-NAME.html)")
  String reportOption;

  @Option(names = "--record", paramLabel = "DIR", description = "with one trial: the judge's run leaves what a"
      + " deployed rollout leaves, the proxies' EMF lines (DIR/metrics.emf.log, one per request, rating and grade)"
      + " and the audit trail (DIR/history.json), and judges exactly those lines; ./canaryctl replay sim-SEED --emf"
      + " DIR/metrics.emf.log --history DIR/history.json then gives its decisions back. Slower: every request is a"
      + " line (about 150,000 a day at 100 requests/min)")
  String recordOption;

  @Option(names = "--json", description = "{\"scenario\", \"trials\", \"policies\": {\"judge\": {...}, \"naive\": {...}}}")
  boolean json;

  @Override
  public int run(PrintStream out, PrintStream err) {
    Scenario scenario;
    try {
      scenario = Scenario.byId(scenarioName);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    int trials = (int) UsageException.within("--trials", trialsOption, 1, 1, 100_000);
    double rpm = traffic.rpm();
    int users = traffic.users();
    long seed = traffic.seed;
    SimulationSettings settings = SimulationSettings.of(scenario, rpm, users, truth.feedbackRate(), truth.judge());
    Map<String, CanaryPolicy> policies = new LinkedHashMap<>();
    policies.put("judge", new SequentialJudge());
    policies.put("naive", new NaiveSeedPolicy());
    Path recordDir = recordOption == null ? null : Path.of(recordOption);
    if (recordDir != null && trials != 1) {
      throw new UsageException("--record records one rollout: use it with --trials 1");
    }

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scenario", scenario.id());
    doc.put("trials", trials);
    doc.put("rpm", rpm);
    doc.put("users", users);
    doc.put("seed", seed);
    doc.put("feedbackRate", truth.feedbackRate());
    doc.put("qualityJudge", judgeJson(truth.judge()));
    Map<String, Object> byPolicy = new LinkedHashMap<>();
    List<HtmlReport.Section> sections = new ArrayList<>();
    Style style = Style.detect();
    if (!json) {
      out.println(style.bold("Scenario " + scenario.id() + ": " + scenario.description()) + String.format(Locale.ROOT,
          " — %d trial(s), %.0f requests/min, %d users, seed %d", trials, rpm, users, seed));
      out.println(String.format(Locale.ROOT, "Truth: %.1f%% of answers rated by users; %s", 100 * truth.feedbackRate(),
          truth.judge().describe()));
    }
    for (Map.Entry<String, CanaryPolicy> p : policies.entrySet()) {
      SimulationResult single = null;
      TrialSummary s;
      if (trials == 1) {
        if (recordDir != null && p.getKey().equals("judge")) {
          try {
            single = recorded(settings, p.getValue(), seed, recordDir, json ? err : out);
          } catch (IOException e) {
            err.println("simulate: could not write the recording to " + recordDir.toAbsolutePath() + ": "
                + e.getMessage() + " (choose another directory with --record)");
            return FAILED;
          }
        } else {
          single = new RolloutSimulation(settings, p.getValue(), true).run(seed);
        }
        s = TrialSummary.of(p.getValue().name(), scenario, List.of(single));
        sections.add(new HtmlReport.Section("policy " + p.getKey() + " (" + p.getValue().name() + ")", single));
        if (!json) {
          out.println();
          out.println(style.bold("-- policy: " + p.getKey() + " (" + p.getValue().name() + ") --"));
          new TimelinePrinter(style).print(single, out);
        }
      } else {
        AtomicInteger done = new AtomicInteger();
        boolean tty = System.console() != null && !json;
        s = TrialRunner.run(p.getValue(), scenario, settings, trials, seed, i -> {
          int d = done.incrementAndGet();
          if (tty && (d % Math.max(1, trials / 20) == 0 || d == trials)) {
            err.printf(Locale.ROOT, "\r  %s: %d/%d trials", p.getKey(), d, trials);
            if (d == trials) {
              err.println();
            }
          }
        });
      }
      Map<String, Object> m = summaryJson(s);
      if (single != null) {
        m.put("run", JsonOutput.result(single));
      }
      byPolicy.put(p.getKey(), m);
    }
    doc.put("policies", byPolicy);
    if (!sections.isEmpty()) {
      Path report = Path.of(reportOption != null ? reportOption : "reports/simulate-" + scenario.id() + ".html");
      try {
        HtmlReport.write(report, "llm-canary simulation: " + scenario.id() + " (seed " + seed + ")", sections,
            settings.guardrails());
        doc.put("report", report.toAbsolutePath().toString());
        if (!json) {
          out.println();
          out.println("Report with charts: " + report.toAbsolutePath());
        }
      } catch (IOException e) {
        err.println("simulate: could not write the report to " + report.toAbsolutePath() + ": " + e.getMessage());
        return FAILED;
      }
    }
    if (json) {
      out.println(JsonOutput.write(doc));
    } else {
      out.println();
      out.printf(Locale.ROOT, "%-8s %15s %14s %14s %11s  %s%n", "policy", "false rollback", "detection", "delay median",
          "delay p90", "outcomes");
      for (Map.Entry<String, Object> e : byPolicy.entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) e.getValue();
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) m.get("detectionDelayChecks");
        out.printf(Locale.ROOT, "%-8s %15s %14s %14s %11s  %s%n", e.getKey(), rate(m.get("falseRollbackRate")),
            rate(m.get("detectionRate")), checks(d.get("median")), checks(d.get("p90")), m.get("outcomes"));
      }
      out.println();
      out.println("Delays are counted in 15-minute health checks from the start of the rollout.");
    }
    return OK;
  }

  /** One run that leaves its EMF lines and audit trail in {@code dir} (see {@link Recording}). */
  static SimulationResult recorded(SimulationSettings settings, CanaryPolicy policy, long seed, Path dir,
      PrintStream note) throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve(ReplayCommand.EMF_FILE);
    SimulationResult result;
    Recording recording;
    try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      recording = new Recording(line -> {
        try {
          w.write(line);
          w.newLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try {
        result = new RolloutSimulation(settings, policy, true, recording).run(seed);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    Map<String, Object> history = new LinkedHashMap<>();
    history.put("application", recording.application());
    history.put("rolloutId", recording.rolloutId());
    history.put("events", recording.history().stream().map(RolloutJson::event).toList());
    Path h = dir.resolve(ReplayCommand.HISTORY_FILE);
    Files.writeString(h, JsonOutput.write(history) + "\n", StandardCharsets.UTF_8);
    note.println("Recorded " + recording.lines() + " EMF lines to " + log + " and the audit trail to " + h
        + "; replay them: ./canaryctl replay " + recording.rolloutId() + " --emf " + log + " --history " + h);
    return result;
  }

  /** A policy's figures in the documented JSON shape. */
  static Map<String, Object> summaryJson(TrialSummary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy", s.policy());
    m.put("falseRollbackRate", JsonOutput.num(s.falseRollbackRate()));
    m.put("detectionRate", JsonOutput.num(s.detectionRate()));
    Map<String, Object> delay = new LinkedHashMap<>();
    delay.put("median", JsonOutput.num(s.delayMedian()));
    delay.put("p90", JsonOutput.num(s.delayP90()));
    m.put("detectionDelayChecks", delay);
    m.put("outcomes", s.outcomes());
    m.put("detectedInFirstStage", JsonOutput.num(s.detectedInStage1()));
    m.put("judgedPerDay", JsonOutput.num(s.judgedPerDay()));
    return m;
  }

  /** The simulated quality judge's settings, as the JSON output shows them. */
  static Map<String, Object> judgeJson(SimulatedJudge j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", j.mode().id());
    if (j.mode() != SimulatedJudge.Mode.OFF) {
      m.put("sampleRate", j.sampleRate());
      m.put("maxPerHour", j.maxPerHour());
      m.put("agreement", j.agreement());
      m.put("promptEffect", j.promptEffect());
      m.put("callsPerJudged", j.callsPerJudged());
    }
    return m;
  }

  private static String rate(Object o) {
    return o == null ? "-" : Percent.share((Double) o);
  }

  private static String checks(Object o) {
    return o == null ? "-" : String.format(Locale.ROOT, "%.0f", (Double) o);
  }
}
