package io.llmcanary.core.promotion;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Embedded ports for the promotion tests: in-memory store and config, recorded alerts, a scripted judge. */
final class PromotionFixture {

  static final String APP = "support-chat";
  static final VersionSpec STABLE = new VersionSpec("model-a", "offline", "You are helpful.", null, 0.7, 512);
  static final VersionSpec CANARY = new VersionSpec("model-b", "offline", "You are concise.", null, 0.5, 512);

  final InMemoryRolloutStore store = new InMemoryRolloutStore();
  final InMemoryConfigStore configs = new InMemoryConfigStore(baseline());
  final RecordingAlertPublisher alerts = new RecordingAlertPublisher();
  final TaskTokens tasks = new TaskTokens();
  final ScriptedPolicy policy = new ScriptedPolicy();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
  final List<String> started = new ArrayList<>();
  WorkflowStarter starter = (app, id) -> {
    started.add(id);
    return "arn:aws:states:us-east-1:123456789012:execution:promotion:" + id;
  };

  static RolloutConfig baseline() {
    return new RolloutConfig(1, APP, "baseline", 0, null, Map.of("stable", STABLE), Map.of(), Guardrails.defaults(),
        List.of(5.0, 25.0, 50.0, 100.0), false);
  }

  PromotionPorts ports() {
    return new PromotionPorts(store, configs, (app, id, from, to) -> new JudgeInput(WindowStats.empty(from, to),
        WindowStats.empty(to.minus(Duration.ofHours(1)), to)), policy, alerts, tasks, (a, i) -> starter.start(a, i),
        ConfigCheck.RULES_ONLY, clock);
  }

  Promotion promotion() {
    return new Promotion(ports(), new ApprovalChannels("us-east-1",
        "arn:aws:states:us-east-1:123456789012:stateMachine:ApprovePromotion", "https://api.example.com/prod", null));
  }

  StartRequest startRequest(String rolloutId) {
    return new StartRequest(null, rolloutId, CANARY, Map.of(), null, "alice", "shorter answers");
  }

  RolloutState state(String rolloutId) {
    return store.get(APP, rolloutId).orElseThrow();
  }

  List<Alert.Kind> alertKinds() {
    return alerts.delivered().stream().map(Alert::kind).toList();
  }

  /** Step Functions' task tokens: open ones complete once; anything else is stale. */
  static final class TaskTokens implements ApprovalGateway {
    final Set<String> open = new HashSet<>();
    final List<String> log = new ArrayList<>();

    void open(String token) {
      open.add(token);
    }

    @Override
    public synchronized void approve(String taskToken, Approval approval) {
      if (!open.remove(taskToken)) {
        throw new StaleTaskTokenException("TaskTimedOut: " + taskToken, null);
      }
      log.add("success " + taskToken + " " + approval);
    }

    @Override
    public synchronized void reject(String taskToken, String error, String cause) {
      if (!open.remove(taskToken)) {
        throw new StaleTaskTokenException("TaskTimedOut: " + taskToken, null);
      }
      log.add("failure " + taskToken + " " + error + " " + cause);
    }
  }

  /** A judge that answers the queued outcomes, then HEALTHY. */
  static final class ScriptedPolicy implements CanaryPolicy {
    final Deque<Outcome> gates = new ArrayDeque<>();

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Verdict rollbackCheck(JudgeInput input, Guardrails guardrails) {
      return verdict(Outcome.HEALTHY, Verdict.Kind.ROLLBACK_CHECK);
    }

    @Override
    public Verdict promotionGate(JudgeInput input, Guardrails guardrails) {
      Outcome o = gates.isEmpty() ? Outcome.HEALTHY : gates.removeFirst();
      return verdict(o, Verdict.Kind.PROMOTION_GATE);
    }

    private static Verdict verdict(Outcome o, Verdict.Kind kind) {
      MetricRow row = new MetricRow(io.llmcanary.core.judge.Metric.QUALITY, 0.85, o == Outcome.REGRESSION ? 0.70 : 0.86,
          MetricRow.diffPercent(0.85, o == Outcome.REGRESSION ? 0.70 : 0.86), "canary >= 95% of stable", o, 900, 300,
          "scripted");
      return new Verdict(o, kind, List.of(row), "scripted " + o.name().toLowerCase());
    }
  }

  static final class MutableClock implements InstantSource {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public synchronized Instant instant() {
      return now;
    }

    synchronized void advance(Duration d) {
      now = now.plus(d);
    }
  }

  static Map<String, ModelPrice> noPrices() {
    return Map.of();
  }
}
