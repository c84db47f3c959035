package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.local.CanaryCtl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.local.sim.Scenario;
import io.llmcanary.local.sim.SimulationResult;
import io.llmcanary.local.sim.SimulationSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} on what a simulated rollout left (its EMF lines and audit trail): with the rollout's guardrails it
 * gives the run's own decisions back, check by check; with other guardrails it says when they would have rolled
 * back.
 */
class ReplayCommandTest {

  private ByteArrayOutputStream out = new ByteArrayOutputStream();
  private ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    return new CanaryCtl().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** One recording of a rolled-back rollout, shared by the tests that only read it (recording takes seconds). */
  private static Path rolledBack;
  private static JsonNode rolledBackRun;

  @org.junit.jupiter.api.BeforeAll
  static void recordOnce(@TempDir Path shared) throws Exception {
    rolledBack = shared.resolve("quality-20");
    rolledBackRun = new ReplayCommandTest().record(rolledBack, "quality-20", "3", "100");
  }

  /** Records one simulated rollout of {@code scenario}; answers the judge's run as simulate --json prints it. */
  private JsonNode record(Path dir, String scenario, String seed, String rpm) throws Exception {
    assertThat(run("simulate", "--scenario", scenario, "--seed", seed, "--rpm", rpm, "--record", dir.toString(),
        "--report", dir.resolve("report.html").toString(), "--json")).as(err()).isZero();
    assertThat(err()).contains("./canaryctl replay sim-" + seed + " --emf ");
    return Json.MAPPER.readTree(out()).path("policies").path("judge").path("run");
  }

  private JsonNode replay(Path dir, String id, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("replay", id, "--emf", dir.resolve("metrics.emf.log").toString(),
        "--history", dir.resolve("history.json").toString(), "--json"));
    args.addAll(List.of(more));
    assertThat(run(args.toArray(String[]::new))).as(err()).isZero();
    return Json.MAPPER.readTree(out());
  }

  /** The verdicts the run recorded, in order: its audit trail's VERDICT and GATE events. */
  private static List<String> recordedOutcomes(Path dir) throws Exception {
    List<String> outcomes = new ArrayList<>();
    for (JsonNode e : Json.MAPPER.readTree(Files.readString(dir.resolve("history.json"))).path("events")) {
      String type = e.path("type").asText();
      if (type.equals("VERDICT") || type.equals("GATE")) {
        outcomes.add(e.path("reason").asText().split(":")[0]);
      }
    }
    return outcomes;
  }

  @Test
  void replayingARolledBackRolloutWithItsOwnGuardrailsGivesEveryRecordedVerdictBackAndTheSameRollbackCheck(
      ) throws Exception {
    Path dir = rolledBack;
    JsonNode run = rolledBackRun;
    assertThat(run.path("outcome").asText()).isEqualTo("ROLLED_BACK");
    int rollbackCheck = run.path("rollbackCheck").asInt();

    JsonNode r = replay(dir, "sim-3");

    assertThat(r.path("differing").asInt()).isZero();
    List<String> replayed = new ArrayList<>();
    r.path("checks").forEach(c -> replayed.add(c.path("outcome").asText()));
    assertThat(replayed).isEqualTo(recordedOutcomes(dir));
    assertThat(r.path("rollback").path("outcome").asText()).isEqualTo("REGRESSION");
    // the simulation counts its 15-minute checks as the replay counts the trail's verdicts (no gate came first)
    assertThat(r.path("rollback").path("number").asInt()).isEqualTo(rollbackCheck);
    assertThat(r.path("rollback").path("table").asText()).contains("avg_quality");
  }

  @Test
  void replayingARolloutThroughItsGatesGivesEachGateBack(@TempDir Path dir) throws Exception {
    // 3-hour stages: every gate of a whole rollout in a few thousand requests
    SimulationSettings day = SimulationSettings.of(Scenario.HEALTHY, 100, SimulationSettings.DEFAULT_USERS);
    SimulationSettings settings = new SimulationSettings(day.stable(), day.canary(), day.traffic(), day.plan(),
        Duration.ofHours(3), day.checkInterval(), day.recentWindow(), day.maxExtensions(), day.guardrails(),
        day.users(), day.judge());
    SimulationResult run = SimulateCommand.recorded(settings, new SequentialJudge(), 5, dir,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    JsonNode r = replay(dir, "sim-5");

    assertThat(r.path("differing").asInt()).isZero();
    List<String> replayed = new ArrayList<>();
    r.path("checks").forEach(c -> replayed.add(c.path("outcome").asText()));
    assertThat(replayed).isEqualTo(recordedOutcomes(dir));
    List<String> gates = new ArrayList<>();
    r.path("gates").forEach(g -> gates.add(g.path("stage").asInt() + ":" + g.path("outcome").asText()));
    assertThat(gates).hasSizeGreaterThanOrEqualTo(run.stageReached() + 1);
    assertThat(r.path("rollback").isNull()).isEqualTo(!run.rolledBack());
  }

  @Test
  void looseQualityGuardrailsWouldNotHaveRolledBackAndTheTextNamesTheCheckTheOwnOnesRolledBackAt(@TempDir Path own)
      throws Exception {
    Path dir = rolledBack;
    int ownCheck = replay(dir, "sim-3").path("rollback").path("number").asInt();

    // a quality drop of 20% is within these ratios (users' ratings, the judge's grades, its preference): no
    // quality row would have rolled back, and nothing else regressed
    Path loose = own.resolve("loose.json");
    Files.writeString(loose, "{\"rollbackQualityRatio\": 0.5, \"rollbackJudgeScoreRatio\": 0.5,"
        + " \"rollbackPreference\": 0.2}");
    JsonNode l = replay(dir, "sim-3", "--guardrails", loose.toString());
    assertThat(l.path("guardrailsFrom").asText()).isEqualTo(loose.toString());
    assertThat(l.path("rollback").isNull()).isTrue();
    assertThat(l.path("differing").asInt()).isPositive(); // the recorded REGRESSION is not one any more

    // the text form says it in a sentence an operator can act on
    assertThat(run("replay", "sim-3", "--emf", dir.resolve("metrics.emf.log").toString(), "--history",
        dir.resolve("history.json").toString())).isZero();
    assertThat(out()).contains("would have rolled back at check " + ownCheck).contains("0 differ from what was recorded");
  }

  @Test
  void fromAndToKeepOnlyTheChecksInTheRange() throws Exception {
    Path dir = rolledBack;
    JsonNode all = replay(dir, "sim-3");
    String second = all.path("checks").get(1).path("at").asText();
    JsonNode r = replay(dir, "sim-3", "--from", second, "--to", second);
    assertThat(r.path("checks").size()).isEqualTo(1);
    assertThat(r.path("checks").get(0).path("at").asText()).isEqualTo(second);
  }

  @Test
  void withoutATrailTheLogIsReplayedAsOneStageCheckedEveryFifteenMinutes(@TempDir Path dir) throws Exception {
    Path rec = rolledBack;
    assertThat(run("replay", "sim-3", "--emf", rec.resolve("metrics.emf.log").toString(), "--state",
        dir.resolve("no-state").toString(), "--json")).as(err()).isZero();
    JsonNode r = Json.MAPPER.readTree(out());
    assertThat(r.path("source").asText()).contains("a health check every 15 minutes");
    assertThat(r.path("checks").get(0).path("recorded").isNull()).isTrue();
    assertThat(r.path("rollback").path("outcome").asText()).isEqualTo("REGRESSION");
  }

  @Test
  void refusalsNameWhatToDo(@TempDir Path own) throws Exception {
    Path dir = rolledBack;
    String log = dir.resolve("metrics.emf.log").toString();

    assertThat(run("replay", "sim-999", "--emf", log)).isEqualTo(1);
    assertThat(err()).contains("no EMF lines of rollout sim-999");

    Path bad = own.resolve("bad.json");
    Files.writeString(bad, "{\"rollbackQualityRatoi\": 0.5}");
    assertThat(run("replay", "sim-3", "--emf", log, "--guardrails", bad.toString())).isEqualTo(1);
    assertThat(err()).contains("unknown guardrail \"rollbackQualityRatoi\"").contains("rollbackQualityRatio");

    assertThat(run("replay", "sim-3", "--emf", log, "--from", "yesterday")).isEqualTo(2);
    assertThat(err()).contains("ISO-8601");

    assertThat(run("replay", "sim-3", "--history", dir.resolve("history.json").toString())).isEqualTo(2);
    assertThat(err()).contains("--history goes with --emf");

    assertThat(run("replay", "sim-3", "--emf", log, "--from", "2030-01-01T00:00:00Z")).isEqualTo(1);
    assertThat(err()).contains("no checks of sim-3").contains("widen --from/--to");
  }

  @Test
  void anEmfLogWithLogPrefixesAndOtherLinesIsRead(@TempDir Path own) throws Exception {
    Path dir = rolledBack;
    Path log = dir.resolve("metrics.emf.log");
    Path tailed = own.resolve("tailed.log");
    List<String> lines = new ArrayList<>();
    lines.add("START RequestId: 1 Version: $LATEST");
    for (String l : Files.readAllLines(log)) {
      lines.add("2026-11-26T09:00:00.000000+00:00 2026/11/26/[$LATEST]abc " + l);
    }
    Files.write(tailed, lines);
    JsonNode a = replay(dir, "sim-3");
    assertThat(run("replay", "sim-3", "--emf", tailed.toString(), "--history", dir.resolve("history.json").toString(),
        "--json")).as(err()).isZero();
    JsonNode b = Json.MAPPER.readTree(out());
    assertThat(b.path("checks")).isEqualTo(a.path("checks"));
  }
}
