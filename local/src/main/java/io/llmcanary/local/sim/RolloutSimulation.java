package io.llmcanary.local.sim;

import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckRequest;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.health.RolloutCheck;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.ConfigCheck;
import io.llmcanary.core.promotion.DecisionResult;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.promotion.PromotionRequest;
import io.llmcanary.core.promotion.StartRequest;
import io.llmcanary.core.promotion.StepResult;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One rollout on a simulated clock, through the same actions the deployed functions run: the promotion
 * workflow ({@link InProcessWorkflow}: the Step Functions states and the promotion Lambda's actions — start,
 * apply-stage, gate, request-approval, decide, finalize) and the health check ({@link HealthCheck}: the health
 * Lambda's run, with its conditional rollback, AppConfig publish and alert) over embedded adapters (in-memory
 * rollout store and config, recorded alerts). The proxies' traffic follows the published config's canary
 * percent; what they would write to CloudWatch is simulated in aggregate ({@link TrafficModel}) and read back
 * through the {@link MetricsQuery} port. A simulated operator approves every gate that passes. Deterministic
 * for a seed.
 */
public final class RolloutSimulation {

  public static final Instant START = Instant.parse("2026-11-26T09:00:00Z");
  static final String APP = "sim";

  private final SimulationSettings settings;
  private final CanaryPolicy policy;
  private final boolean keepTimeline;
  private final Recording recording;

  public RolloutSimulation(SimulationSettings settings, CanaryPolicy policy, boolean keepTimeline) {
    this(settings, policy, keepTimeline, null);
  }

  /** With {@code recording}: the run leaves per-request EMF lines and judges exactly those (see {@link Recording}). */
  public RolloutSimulation(SimulationSettings settings, CanaryPolicy policy, boolean keepTimeline,
      Recording recording) {
    this.settings = settings;
    this.policy = policy;
    this.keepTimeline = keepTimeline;
    this.recording = recording;
  }

  public SimulationResult run(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    String rolloutId = "sim-" + seed; // also the assignment salt, as for a real rollout
    int[] buckets = userBuckets(settings.users(), rolloutId);
    SimClock clock = new SimClock(START);
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    InMemoryConfigStore configs = new InMemoryConfigStore(baseline());
    List<Alert> sent = new ArrayList<>();
    RecordingAlertPublisher alerts = new RecordingAlertPublisher(sent::add);
    SimulatedMetrics aggregate = new SimulatedMetrics();
    MetricsQuery metrics = aggregate;
    if (recording != null) {
      recording.attach(store, APP, rolloutId);
      metrics = recording.metrics();
    }
    InProcessWorkflow workflow = new InProcessWorkflow(
        new PromotionPorts(store, configs, metrics, policy, alerts, new RecordingApprovalGateway(), null,
            ConfigCheck.RULES_ONLY, clock),
        ApprovalChannels.LOCAL,
        new InProcessWorkflow.Settings(settings.stageDuration(), settings.maxExtensions(), Duration.ofDays(7)));
    HealthCheck health = new HealthCheck(store, metrics, configs, alerts, workflow, policy, clock,
        HealthCheckSettings.defaults(OperatorCommands.local()));

    List<TimelineEvent> timeline = new ArrayList<>();
    List<SimulationResult.CheckPoint> series = new ArrayList<>();
    DecisionResult started = workflow.start(new StartRequest(APP, rolloutId, canarySpec(), Map.of(),
        settings.plan().percents(), "simulated-operator", "simulation"));
    if (!started.applied()) {
      throw new IllegalStateException("simulation could not start its rollout: " + started.message());
    }
    event(timeline, clock.instant(), 0, state(store, rolloutId), "STARTED", null,
        "rollout started at " + Percent.text(state(store, rolloutId).canaryPercent()) + " canary", null);

    int check = 0;
    Outcome lastVerdict = null;
    int lastWaits = 0;
    WindowAccumulator.Minute ms = new WindowAccumulator.Minute();
    WindowAccumulator.Minute mc = new WindowAccumulator.Minute();
    int perCheck = settings.minutesPerCheck();
    long[] judgeBudget = {settings.judge().maxPerHour()};
    long minutes = 0;
    long judged = 0;
    while (true) {
      // 15 minutes of traffic at the percent the proxies serve: the published config's.
      RolloutConfig served = configs.deployedConfig();
      double share = served.version(io.llmcanary.core.config.Variant.CANARY).isPresent()
          ? canaryShare(served.canaryPercent(), buckets) : 0.0;
      WindowAccumulator checkStable = new WindowAccumulator();
      WindowAccumulator checkCanary = new WindowAccumulator();
      long minuteOfDay = Duration.between(START.truncatedTo(ChronoUnit.DAYS), clock.instant()).toMinutes();
      for (int m = 0; m < perCheck; m++) {
        ms.reset();
        mc.reset();
        if (minutes++ % 60 == 0) {
          judgeBudget[0] = settings.judge().maxPerHour(); // the hourly cap of the sampler
        }
        settings.traffic().minute((minuteOfDay + m) % 1440, share, settings.stable(), settings.canary(),
            settings.judge(), judgeBudget, rnd, ms, mc);
        judged += ms.judgeCount + mc.judgeCount + mc.preferenceCount;
        if (recording != null) {
          Instant minuteStart = clock.instant().plus(Duration.ofMinutes(m));
          recording.minute(minuteStart, io.llmcanary.core.config.Variant.STABLE, ms);
          recording.minute(minuteStart, io.llmcanary.core.config.Variant.CANARY, mc);
        }
        checkStable.add(ms);
        checkCanary.add(mc);
      }
      clock.advance(settings.checkInterval());
      Instant now = clock.instant();
      aggregate.add(now, checkStable, checkCanary);
      check++;

      // The health check Lambda's run.
      RolloutState before = state(store, rolloutId);
      RolloutCheck rc = health.run(new HealthCheckRequest(APP, rolloutId)).rollouts().get(0);
      JudgeInput seen = metrics.fetch(APP, rolloutId, before.stageStartedAt(), now);
      series.add(point(check, now, before, seen.stage(), rc.outcome()));
      if (rc.action() == RolloutCheck.Action.ROLLED_BACK) {
        event(timeline, now, check, state(store, rolloutId), "ROLLED_BACK", rc.outcome(), rc.reason(), rc.table());
        alerts(timeline, sent, now, check, state(store, rolloutId));
        return new SimulationResult("ROLLED_BACK", check, check, before.stageIndex(), timeline, series, judged);
      }
      if (rc.outcome() != null && rc.outcome() != lastVerdict) {
        event(timeline, now, check, before, "VERDICT", rc.outcome(), "health check: " + rc.outcome() + " — "
            + rc.reason(), rc.table());
        lastVerdict = rc.outcome();
      }

      // The promotion workflow, as far as it goes now (a stage ends: its gate runs).
      InProcessWorkflow.Execution e = workflow.advance(APP, rolloutId);
      StepResult last = e.last();
      RolloutState s = state(store, rolloutId);
      if (s.status() == RolloutStatus.ROLLED_BACK) {
        event(timeline, now, check, s, "ROLLED_BACK", Outcome.REGRESSION, "gate: " + last.reason(), last.table());
        alerts(timeline, sent, now, check, s);
        return new SimulationResult("ROLLED_BACK", check, check, s.stageIndex(), timeline, series, judged);
      }
      if (e.inconclusiveWaits() > lastWaits && !e.awaitingDecision()) {
        event(timeline, now, check, s, "EXTENDED", Outcome.INCONCLUSIVE, "gate inconclusive, waiting another "
            + settings.stageDuration().toHours() + " h: " + last.reason(), last.table());
      }
      lastWaits = e.inconclusiveWaits();
      if (e.awaitingDecision()) {
        if (!Outcome.HEALTHY.name().equals(last.outcome())) {
          event(timeline, now, check, s, "STALLED", Outcome.INCONCLUSIVE, "gate still inconclusive after "
              + e.inconclusiveWaits() + " extra waits; a person must decide: " + last.reason(), last.table());
          alerts(timeline, sent, now, check, s);
          return new SimulationResult("STALLED", -1, check, s.stageIndex(), timeline, series, judged);
        }
        event(timeline, now, check, s, "GATE", Outcome.HEALTHY, "gate passed; approval requested", last.table());
        alerts(timeline, sent, now, check, s);
        DecisionResult d = workflow.decide(new PromotionRequest.Decide(APP, rolloutId, "approve",
            "simulated-operator", "auto-approved in simulation"));
        if (!d.applied()) {
          throw new IllegalStateException("simulated approval refused: " + d.message());
        }
        s = state(store, rolloutId);
        lastVerdict = null;
        lastWaits = 0;
        if (s.status() == RolloutStatus.PROMOTED) {
          event(timeline, now, check, s, "PROMOTED", null, "canary promoted: it is the new stable", null);
          alerts(timeline, sent, now, check, s);
          return new SimulationResult("PROMOTED", -1, check, s.stageIndex(), timeline, series, judged);
        }
        event(timeline, now, check, s, "APPROVED", null,
            "approved; stage " + (s.stageIndex() + 1) + " at " + Percent.text(s.canaryPercent()), null);
      }
      alerts(timeline, sent, now, check, s);
      if (s.status().isTerminal()) {
        event(timeline, now, check, s, s.status().name(), null, "rollout ended: " + s.reason(), null);
        return new SimulationResult(s.status().name(), -1, check, s.stageIndex(), timeline, series, judged);
      }
    }
  }

  /** What the proxies serve before the rollout: stable only. */
  private RolloutConfig baseline() {
    return new RolloutConfig(1, APP, "baseline", 0, null, Map.of("stable", stableSpec()),
        Map.<String, ModelPrice>of(), settings.guardrails(), settings.plan().percents(), false);
  }

  private static VersionSpec stableSpec() {
    return new VersionSpec("sim-stable", "offline", "You are a helpful assistant.", List.of(), 0.7, 1024);
  }

  private static VersionSpec canarySpec() {
    return new VersionSpec("sim-canary", "offline", "You are a concise, helpful assistant.", List.of(), 0.7, 1024);
  }

  private static RolloutState state(InMemoryRolloutStore store, String rolloutId) {
    return store.get(APP, rolloutId).orElseThrow();
  }

  /** Each simulated user's bucket under the production assignment, salted per rollout like a real one. */
  static int[] userBuckets(int users, String salt) {
    int[] b = new int[users];
    for (int i = 0; i < users; i++) {
      b[i] = Assignment.bucket(salt, "user-" + i);
    }
    return b;
  }

  /** The share of traffic on canary: the percent, or with a finite user base the share of users on canary. */
  static double canaryShare(double percent, int[] buckets) {
    if (buckets.length == 0) {
      return percent / 100.0;
    }
    int bp = (int) Math.round(percent * 100);
    long on = 0;
    for (int b : buckets) {
      if (b < bp) {
        on++;
      }
    }
    return (double) on / buckets.length;
  }

  private static SimulationResult.CheckPoint point(int check, Instant now, RolloutState state, WindowStats w,
      Outcome o) {
    VersionStats s = w.stable();
    VersionStats c = w.canary();
    return new SimulationResult.CheckPoint(check, Duration.between(START, now).toMinutes() / 60.0,
        state.canaryPercent(), s.meanQuality(), c.meanQuality(), s.errorRate(), c.errorRate(), s.latencyP95Ms(),
        c.latencyP95Ms(), s.meanCost(), c.meanCost(), o == null ? Outcome.INCONCLUSIVE.name() : o.name());
  }

  /** The alerts the functions sent since the last call (SNS in AWS), as timeline lines. */
  private static void alerts(List<TimelineEvent> timeline, List<Alert> sent, Instant at, int check, RolloutState s) {
    for (Alert a : sent) {
      timeline.add(new TimelineEvent(at, check, s.stageIndex(), s.status() == RolloutStatus.PROMOTED ? 100.0
          : s.canaryPercent(), "ALERT", null, a.kind() + ": " + a.subject(), null));
    }
    sent.clear();
  }

  private void event(List<TimelineEvent> timeline, Instant at, int check, RolloutState s, String kind, Outcome v,
      String text, String table) {
    if (keepTimeline || !"VERDICT".equals(kind)) {
      // After promotion the canary is the new stable and serves everyone: show 100%, not "0% canary".
      double percent = s.status() == RolloutStatus.PROMOTED ? 100.0 : s.canaryPercent();
      timeline.add(new TimelineEvent(at, check, s.stageIndex(), percent, kind, v, text,
          table == null || table.isEmpty() ? null : table));
    }
  }


  /** The simulated clock: moves only when the simulation says so. */
  static final class SimClock extends Clock {
    private Instant now;

    SimClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
