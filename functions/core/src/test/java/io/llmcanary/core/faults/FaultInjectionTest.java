package io.llmcanary.core.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckRequest;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.ConfigCheck;
import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.promotion.PromotionRequest;
import io.llmcanary.core.promotion.StartRequest;
import io.llmcanary.core.promotion.WorkflowRoutes.State;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The promise "after a rollback nobody is on the canary", held under faults and races (docs/architecture.md#how-the-promise-is-proven).
 *
 * <p>Each schedule runs one whole rollout through the real core actions (the health check every tick of 15
 * simulated minutes, the promotion workflow's steps with the definition's retries, approvals and rejections by a
 * person, sometimes a canary that starts to regress) with all actors of a tick interleaved at every port call, and
 * injects, at random points, AppConfig throttling, conflicts and timeouts, SNS failures, Step Functions errors,
 * DynamoDB throttling and spurious conditional-check failures, and crashes before or after any port call. Then the
 * faults stop; the workflow runs on to where it waits (a failed workflow is resumed the way its alert says), one more
 * health-check run happens, and the invariants are checked:
 *
 * <ol>
 *   <li>the canary percent AppConfig has deployed is the one the rollout state allows;</li>
 *   <li>a rollout that ended rolled back or rejected has paged;</li>
 *   <li>every transition that was written is in the audit trail;</li>
 *   <li>a rollout that ended never moves again;</li>
 *   <li>a rollout that has not ended is driven by a live workflow execution.</li>
 * </ol>
 *
 * Seeds are fixed, so a violation is reproduced by the seed it prints ({@code -Dfaults.seed=N} runs that one).
 */
class FaultInjectionTest {

  static final String APP = "support-chat";
  static final VersionSpec STABLE = new VersionSpec("model-a", "offline", "You are helpful.", null, 0.7, 512);
  static final VersionSpec CANARY = new VersionSpec("model-b", "offline", "You are concise.", null, 0.7, 512);
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  static final int SCHEDULES = Integer.getInteger("faults.schedules", 2000);
  /** Scales every schedule's fault rate ({@code -Dfaults.rateScale=0}: interleavings only, no faults). */
  static final double RATE_SCALE = Double.parseDouble(System.getProperty("faults.rateScale", "1"));
  static final int STAGE_TICKS = 3;
  static final int APPROVAL_TICKS = 8;
  /** Chance per tick that an operator aborts a running rollout by hand. */
  static final double OPERATOR_ROLLBACK = 0.01;

  @Test
  void afterFaultsStopAndOneHealthCheckRunDeployedCanaryMatchesStateEveryRollbackPagedEveryTransitionAudited() {
    Long only = Long.getLong("faults.seed");
    long first = only != null ? only : 1;
    int count = only != null ? 1 : SCHEDULES;
    int faults = 0;
    int crashes = 0;
    Map<String, Integer> byInvariant = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    int violations = 0;
    for (long seed = first; seed < first + count; seed++) {
      Schedule s = new Schedule(seed);
      List<String> found = s.run();
      faults += s.plan.faults;
      crashes += s.plan.crashes;
      violations += found.size();
      for (String v : found) {
        byInvariant.merge(v.substring(0, v.indexOf(':')), 1, Integer::sum);
        if (examples.size() < 12) {
          examples.add("seed " + seed + ": " + v);
        }
      }
    }
    System.out.println("[faults] schedules=" + count + " faults=" + faults + " crashes=" + crashes + " violations="
        + violations);
    byInvariant.forEach((k, v) -> System.out.println("[faults]   " + k + ": " + v));
    examples.forEach(e -> System.out.println("[faults]   " + e));
    assertTrue(violations == 0, violations + " violations; reproduce one with -Dfaults.seed=N:\n"
        + String.join("\n", examples));
  }

  /** One seeded schedule. */
  static final class Schedule {
    final long seed;
    final Random random;
    final FaultPlan plan;
    final Interleaver io;
    final SimAppConfig appConfig;
    final SimStore store;
    final SimAlerts alerts;
    final SimStepFunctions sfn;
    final TickClock clock = new TickClock();
    final HealthCheck healthCheck;
    final Promotion promotion;
    final int faultTicks;
    final int regressAt;
    final double regressFromPercent;
    final String rolloutId;
    int startTries;
    boolean startDone;
    int resumes;

    Schedule(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.plan = new FaultPlan((0.02 + random.nextDouble() * 0.10) * RATE_SCALE, 0.35);
      this.io = new Interleaver(random, plan);
      this.appConfig = new SimAppConfig(io, baseline());
      this.store = new SimStore(io);
      this.alerts = new SimAlerts(io);
      this.sfn = new SimStepFunctions(io, STAGE_TICKS, APPROVAL_TICKS);
      this.faultTicks = 8 + random.nextInt(45);
      this.regressAt = random.nextDouble() < 0.4 ? random.nextInt(50) : Integer.MAX_VALUE;
      // A third of the schedules regress the moment a later stage's config version exists: the health check then
      // rolls back while ApplyStage is deploying that stage, the race docs/architecture.md#failure-modes names.
      this.regressFromPercent = random.nextDouble() < 0.33 ? (random.nextBoolean() ? 25.0 : 50.0)
          : Double.MAX_VALUE;
      this.rolloutId = "r-" + seed;
      CanaryPolicy policy = new ScriptedPolicy(this);
      MetricsQuery metrics = (app, id, from, to) -> {
        io.point("cloudwatch.GetMetricData");
        return new JudgeInput(WindowStats.empty(from, to), WindowStats.empty(to.minus(Duration.ofHours(1)), to));
      };
      this.healthCheck = new HealthCheck(store, metrics, appConfig, alerts, sfn, policy, clock,
          HealthCheckSettings.defaults(OperatorCommands.local()));
      this.promotion = new Promotion(new PromotionPorts(store, appConfig, metrics, policy, alerts, sfn, sfn,
          ConfigCheck.RULES_ONLY, clock), ApprovalChannels.LOCAL);
    }

    static RolloutConfig baseline() {
      return new RolloutConfig(1, APP, "baseline", 0, null, Map.of("stable", STABLE), Map.of(), Guardrails.defaults(),
          List.of(5.0, 25.0, 50.0, 100.0), false);
    }

    List<String> run() {
      int tick = 0;
      for (; tick < faultTicks; tick++) {
        tick(tick, true);
      }
      plan.stop();
      if (startIncomplete()) {
        startDone = false; // the operator runs the start again, as its answer said
        startTries = 0;
      }
      tick = settle(tick);
      // A workflow that failed is resumed the way its alert (or the workflow-failure alarm) says.
      Optional<RolloutState> s = store.peek(APP, rolloutId);
      if (s.isPresent() && !s.get().status().isTerminal() && sfn.executions.stream().allMatch(
          SimStepFunctions.Execution::ended)) {
        sfn.startByHand(APP, rolloutId, rolloutId + "-resume-" + (++resumes));
        tick = settle(tick);
      }
      clock.tick = tick;
      io.run(Map.of("health-check", () -> healthCheck.run(HealthCheckRequest.all())));
      return check();
    }

    /** Runs fault-free ticks until every execution waits or has ended. */
    int settle(int tick) {
      for (int i = 0; i < 40 && (!quiet() || !startDone && startIncomplete()); i++, tick++) {
        tick(tick, false);
      }
      return tick;
    }

    /** The rollout is stored but its start did not get as far as a workflow: the refusal says to run it again. */
    boolean startIncomplete() {
      return store.peek(APP, rolloutId).filter(s -> s.status() == RolloutStatus.RUNNING && s.executionArn() == null)
          .isPresent();
    }

    boolean quiet() {
      return sfn.executions.stream().allMatch(e -> e.ended()
          || e.state == State.WAIT_STAGE
          || e.state == State.AWAIT_APPROVAL && e.token != null
              && !sfn.due(e));
    }

    void tick(int tick, boolean faulty) {
      clock.tick = tick;
      sfn.tick = tick;
      appConfig.tick();
      Map<String, Runnable> actors = new LinkedHashMap<>();
      if (!startDone && startTries < 6) {
        actors.put("start", () -> {
          startTries++;
          DecisionResult r = promotion.start(new StartRequest(APP, rolloutId, CANARY, Map.of(), null, "alice",
              "shorter answers"));
          // Started, or refused with a reason a person reads; a start that did not complete says to run it again.
          startDone = r.applied() || !startIncomplete();
        });
      }
      actors.put("health-check", () -> healthCheck.run(HealthCheckRequest.all()));
      int i = 0;
      for (SimStepFunctions.Execution e : List.copyOf(sfn.executions)) {
        if (!e.ended() && sfn.due(e)) {
          actors.put("workflow-" + (i++), () -> sfn.step(e, promotion));
        }
      }
      Optional<RolloutState> s = store.peek(APP, rolloutId);
      if (faulty && s.isPresent() && s.get().status() == RolloutStatus.AWAITING_APPROVAL
          && random.nextDouble() < 0.5) {
        String decision = random.nextDouble() < 0.85 ? "approve" : "reject";
        actors.put("person", () -> promotion.decide(new PromotionRequest.Decide(APP, rolloutId, decision, "bob",
            "looked at the table")));
      }
      if (faulty && s.isPresent() && !s.get().status().isTerminal() && random.nextDouble() < OPERATOR_ROLLBACK) {
        actors.put("operator", () -> promotion.rollBack(APP, rolloutId, "carol", "answers look wrong"));
      }
      io.run(actors);
    }

    List<String> check() {
      List<String> v = new ArrayList<>();
      RolloutConfig deployed = appConfig.deployed();
      Optional<RolloutState> owner = store.peek(deployed.application(), deployed.rolloutId());
      double allowed = owner.map(RolloutState::canaryPercent).orElse(0.0);
      if (owner.isPresent() && owner.get().status() == RolloutStatus.PROMOTED) {
        if (deployed.version(Variant.CANARY).isPresent()
            || !deployed.version(Variant.STABLE).orElseThrow().equals(CANARY)) {
          v.add("deployed canary percent differs from what the state allows: rollout " + deployed.rolloutId()
              + " is PROMOTED but the deployed config still has a canary or the old stable");
        }
      } else if (deployed.canaryPercent() != allowed) {
        v.add("deployed canary percent differs from what the state allows: AppConfig has deployed "
            + deployed.canaryPercent() + "% of rollout " + deployed.rolloutId() + ", whose state ("
            + owner.map(o -> o.status() + " stage " + (o.stageIndex() + 1)).orElse("none") + ") allows " + allowed
            + "%");
      }
      Optional<RolloutState> mine = store.peek(APP, rolloutId);
      if (mine.isPresent()) {
        RolloutState s = mine.get();
        if ((s.status() == RolloutStatus.ROLLED_BACK || s.status() == RolloutStatus.REJECTED)
            && alerts.delivered.stream().noneMatch(a -> a.rolloutId().equals(rolloutId)
                && (a.kind() == Alert.Kind.ROLLBACK || a.kind() == Alert.Kind.REJECTED))) {
          v.add("rollback not paged: rollout ended " + s.status() + " (" + s.reason() + ") and no alert said so");
        }
        if (!s.status().isTerminal() && sfn.executions.stream().allMatch(SimStepFunctions.Execution::ended)) {
          v.add("rollout not driven: " + s.status() + " stage " + (s.stageIndex() + 1) + " but every workflow"
              + " execution ended, also after resuming it as the failure alert says");
        }
        List<AuditEvent> trail = new ArrayList<>(store.trail(APP, rolloutId));
        for (SimStore.Moved m : store.moves) {
          Optional<AuditEvent> e = trail.stream().filter(a -> "TRANSITION".equals(a.type())
              && a.fromStatus() == m.from() && a.toStatus() == m.to() && a.stageIndex() == m.stageIndex()).findFirst();
          if (e.isEmpty()) {
            v.add("transition not audited: " + m.from() + " -> " + m.to() + " stage " + (m.stageIndex() + 1)
                + " was written but is not in the audit trail");
          } else {
            trail.remove(e.get());
          }
        }
      }
      for (String moved : store.endedMovedAgain) {
        v.add("ended rollout moved again: " + moved);
      }
      return v;
    }
  }

  /** The judge, scripted: healthy until the schedule's regression starts, then a clear regression. */
  static final class ScriptedPolicy implements CanaryPolicy {
    private final Schedule schedule;

    ScriptedPolicy(Schedule schedule) {
      this.schedule = schedule;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Verdict rollbackCheck(JudgeInput input, Guardrails guardrails) {
      return verdict(Verdict.Kind.ROLLBACK_CHECK);
    }

    @Override
    public Verdict promotionGate(JudgeInput input, Guardrails guardrails) {
      return verdict(Verdict.Kind.PROMOTION_GATE);
    }

    private Verdict verdict(Verdict.Kind kind) {
      boolean bad = schedule.clock.tick >= schedule.regressAt
          || schedule.appConfig.latestHosted().canaryPercent() >= schedule.regressFromPercent;
      Outcome o = bad ? Outcome.REGRESSION : Outcome.HEALTHY;
      double canary = bad ? 0.60 : 0.86;
      MetricRow row = new MetricRow(io.llmcanary.core.judge.Metric.QUALITY, 0.85, canary, MetricRow.diffPercent(0.85, canary),
          "canary >= 90% of stable", o, 4000, 200, "scripted");
      return new Verdict(o, kind, List.of(row), bad ? "avg_quality 0.600 vs 0.850 (-29.4%)" : "healthy");
    }
  }

  /** Simulated time: one tick is one health-check period, 15 minutes. */
  static final class TickClock extends java.time.Clock implements InstantSource {
    volatile int tick;

    @Override
    public Instant instant() {
      return T0.plus(Duration.ofMinutes(15L * tick));
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
