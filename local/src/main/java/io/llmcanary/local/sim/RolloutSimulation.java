package io.llmcanary.local.sim;

import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One rollout on a simulated clock, through the real decisions: the core state machine moves the rollout,
 * a {@link CanaryPolicy} judges every 15 minutes on per-stage cumulative stats plus the last hour, and at
 * each stage's end the promotion gate runs and a simulated person approves. Deterministic for a seed.
 */
public final class RolloutSimulation {

  public static final Instant START = Instant.parse("2026-11-26T09:00:00Z");

  private final SimulationSettings settings;
  private final CanaryPolicy policy;
  private final boolean keepTimeline;

  public RolloutSimulation(SimulationSettings settings, CanaryPolicy policy, boolean keepTimeline) {
    this.settings = settings;
    this.policy = policy;
    this.keepTimeline = keepTimeline;
  }

  public SimulationResult run(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] buckets = userBuckets(settings.users(), "sim-" + seed);
    List<TimelineEvent> timeline = new ArrayList<>();
    List<SimulationResult.CheckPoint> series = new ArrayList<>();
    RolloutState state = RolloutState.start("sim", "sim-rollout", settings.plan(), START, "sim-execution");
    Instant now = START;
    int check = 0;
    int extensions = 0;
    Outcome lastVerdict = null;
    int perCheck = settings.minutesPerCheck();
    int recentChecks = (int) Math.max(1, settings.recentWindow().toMinutes() / perCheck);
    int checksPerStage = (int) (settings.stageDuration().toMinutes() / perCheck);

    WindowAccumulator stageStable = new WindowAccumulator();
    WindowAccumulator stageCanary = new WindowAccumulator();
    Deque<WindowAccumulator[]> recent = new ArrayDeque<>();
    WindowAccumulator.Minute ms = new WindowAccumulator.Minute();
    WindowAccumulator.Minute mc = new WindowAccumulator.Minute();
    event(timeline, now, check, state, "STARTED", null,
        "rollout started at " + pct(state.canaryPercent()) + " canary", null);
    int checksInStage = 0;

    while (!state.status().isTerminal()) {
      // 15 minutes of traffic.
      WindowAccumulator checkStable = new WindowAccumulator();
      WindowAccumulator checkCanary = new WindowAccumulator();
      double share = canaryShare(state.canaryPercent(), buckets);
      long minuteOfDay = Duration.between(START.truncatedTo(java.time.temporal.ChronoUnit.DAYS), now).toMinutes();
      for (int m = 0; m < perCheck; m++) {
        ms.reset();
        mc.reset();
        settings.traffic().minute((minuteOfDay + m) % 1440, share, settings.stable(), settings.canary(), rnd, ms, mc);
        checkStable.add(ms);
        checkCanary.add(mc);
      }
      now = now.plus(settings.checkInterval());
      check++;
      checksInStage++;
      stageStable.addAll(checkStable);
      stageCanary.addAll(checkCanary);
      recent.addLast(new WindowAccumulator[] {checkStable, checkCanary});
      if (recent.size() > recentChecks) {
        recent.removeFirst();
      }
      JudgeInput input = input(state, now, stageStable, stageCanary, recent);

      Verdict v = policy.rollbackCheck(input, settings.guardrails());
      series.add(point(check, now, state, input.stage(), v.outcome()));
      if (v.outcome() == Outcome.REGRESSION) {
        state = move(state, new RolloutCommand.RollBack("health-check", v.reason()), now);
        event(timeline, now, check, state, "ROLLED_BACK", v.outcome(), v.reason(), v.table());
        return new SimulationResult("ROLLED_BACK", check, check, state.stageIndex(), timeline, series);
      }
      if (v.outcome() != lastVerdict) {
        event(timeline, now, check, state, "VERDICT", v.outcome(), "health check: " + v.outcome() + " — " + v.reason(),
            v.table());
        lastVerdict = v.outcome();
      }

      if (checksInStage < checksPerStage * (1 + extensions)) {
        continue;
      }
      // End of the stage: the promotion gate.
      Verdict gate = policy.promotionGate(input, settings.guardrails());
      switch (gate.outcome()) {
        case REGRESSION -> {
          state = move(state, new RolloutCommand.RollBack("promotion-gate", gate.reason()), now);
          event(timeline, now, check, state, "ROLLED_BACK", gate.outcome(), "gate: " + gate.reason(), gate.table());
          return new SimulationResult("ROLLED_BACK", check, check, state.stageIndex(), timeline, series);
        }
        case INCONCLUSIVE -> {
          if (extensions >= settings.maxExtensions()) {
            event(timeline, now, check, state, "STALLED", gate.outcome(),
                "gate still inconclusive after " + extensions + " extra waits; a person must decide: " + gate.reason(),
                gate.table());
            return new SimulationResult("STALLED", -1, check, state.stageIndex(), timeline, series);
          }
          extensions++;
          event(timeline, now, check, state, "EXTENDED", gate.outcome(),
              "gate inconclusive, waiting another " + settings.stageDuration().toHours() + " h: " + gate.reason(),
              gate.table());
        }
        case HEALTHY -> {
          state = move(state, new RolloutCommand.RequestApproval("promotion", "gate passed", "sim-token-" + check), now);
          event(timeline, now, check, state, "GATE", gate.outcome(), "gate passed; approval requested", gate.table());
          state = move(state, new RolloutCommand.Approve("simulated-operator", "auto-approved in simulation"), now);
          extensions = 0;
          checksInStage = 0;
          stageStable = new WindowAccumulator();
          stageCanary = new WindowAccumulator();
          recent.clear();
          lastVerdict = null;
          if (state.plan().isLast(state.stageIndex())) {
            state = move(state, new RolloutCommand.Finalize("promotion", "last stage reached"), now);
            event(timeline, now, check, state, "PROMOTED", null, "canary promoted: it is the new stable", null);
          } else {
            event(timeline, now, check, state, "APPROVED", null,
                "approved; stage " + (state.stageIndex() + 1) + " at " + pct(state.canaryPercent()), null);
          }
        }
      }
    }
    return new SimulationResult(state.status().name(), -1, check, state.stageIndex(), timeline, series);
  }

  /** Each simulated user's bucket under the production assignment, salted per trial like a real rollout. */
  static int[] userBuckets(int users, String salt) {
    int[] b = new int[users];
    for (int i = 0; i < users; i++) {
      b[i] = Assignment.bucket(salt, "user-" + i);
    }
    return b;
  }

  /** The share of traffic on canary: the stage percent, or with a finite user base the share of users on canary. */
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

  private static JudgeInput input(RolloutState state, Instant now, WindowAccumulator stageStable,
      WindowAccumulator stageCanary, Deque<WindowAccumulator[]> recent) {
    WindowAccumulator rs = new WindowAccumulator();
    WindowAccumulator rc = new WindowAccumulator();
    for (WindowAccumulator[] pair : recent) {
      rs.addAll(pair[0]);
      rc.addAll(pair[1]);
    }
    WindowStats stage = new WindowStats(state.stageStartedAt(), now, stageStable.stats(), stageCanary.stats());
    WindowStats last = new WindowStats(now.minus(Duration.ofHours(1)), now, rs.stats(), rc.stats());
    return new JudgeInput(stage, last);
  }

  private static RolloutState move(RolloutState s, RolloutCommand c, Instant now) {
    return switch (RolloutStateMachine.apply(s, c, now)) {
      case Transition.Applied a -> a.state();
      case Transition.Refused r -> throw new IllegalStateException("simulation made an illegal move: " + r.reason());
    };
  }

  private SimulationResult.CheckPoint point(int check, Instant now, RolloutState state, WindowStats w, Outcome o) {
    VersionStats s = w.stable();
    VersionStats c = w.canary();
    return new SimulationResult.CheckPoint(check, Duration.between(START, now).toMinutes() / 60.0,
        state.canaryPercent(), s.meanQuality(), c.meanQuality(), s.errorRate(), c.errorRate(), s.latencyP95Ms(),
        c.latencyP95Ms(), s.meanCost(), c.meanCost(), o.name());
  }

  private void event(List<TimelineEvent> timeline, Instant at, int check, RolloutState s, String kind, Outcome v,
      String text, String table) {
    if (keepTimeline || !"VERDICT".equals(kind)) {
      // After promotion the canary is the new stable and serves everyone: show 100%, not "0% canary".
      double percent = s.status() == io.llmcanary.core.rollout.RolloutStatus.PROMOTED ? 100.0 : s.canaryPercent();
      timeline.add(new TimelineEvent(at, check, s.stageIndex(), percent, kind, v, text, table));
    }
  }

  static String pct(double p) {
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }
}
