package io.llmcanary.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.ApprovalExecutions;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.OperatorRules;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.promotion.WorkflowStarter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Test wiring: the promotion function over embedded adapters, and the repository's sample events. */
final class Embedded {

  static final String APP = "support-chat";
  static final String ROLLOUT = "concise-2026-11-26";

  static Path root() {
    return Path.of(System.getProperty("canary.root", "../.."));
  }

  /** A sample event from events/, as a mutable tree. */
  static ObjectNode event(String name) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(Files.readString(root().resolve("events").resolve(name)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The example config's stable version as the current config, with no canary: where every rollout starts. */
  static RolloutConfig baseline() {
    try {
      ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(
          Files.readString(root().resolve("infrastructure/appconfig/rollout-config.example.json")));
      ((ObjectNode) doc.get("versions")).remove("canary");
      doc.put("canaryPercent", 0);
      doc.put("rolloutId", "baseline");
      doc.put("application", APP);
      return RolloutConfigCodec.parseOrThrow(doc.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Step Functions task tokens: open ones complete once, anything else is stale. */
  static final class Tokens implements ApprovalGateway {
    final Set<String> open = new HashSet<>();
    final List<String> log = new ArrayList<>();

    @Override
    public synchronized void approve(String taskToken, io.llmcanary.core.promotion.Approval approval) {
      if (!open.remove(taskToken)) {
        throw new StaleTaskTokenException("TaskTimedOut", null);
      }
      log.add("success " + approval);
    }

    @Override
    public synchronized void reject(String taskToken, String error, String cause) {
      if (!open.remove(taskToken)) {
        throw new StaleTaskTokenException("TaskTimedOut", null);
      }
      log.add("failure " + error + " " + cause);
    }
  }

  /** A judge answering queued gate outcomes, then HEALTHY, with a one-row table. */
  static final class Scripted implements CanaryPolicy {
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
    public synchronized Verdict promotionGate(JudgeInput input, Guardrails guardrails) {
      return verdict(gates.isEmpty() ? Outcome.HEALTHY : gates.removeFirst(), Verdict.Kind.PROMOTION_GATE);
    }

    private static Verdict verdict(Outcome o, Verdict.Kind kind) {
      double canary = o == Outcome.REGRESSION ? 0.68 : 0.86;
      return new Verdict(o, kind, List.of(new MetricRow(io.llmcanary.core.judge.Metric.QUALITY, 0.85, canary, MetricRow.diffPercent(0.85, canary),
          "canary >= 95% of stable", o, 1200, 400, "scripted")), "scripted " + o);
    }
  }

  static final MetricsQuery NO_METRICS = (app, id, from, to) ->
      new JudgeInput(WindowStats.empty(from, to), WindowStats.empty(to.minus(Duration.ofHours(1)), to));

  final InMemoryRolloutStore store = new InMemoryRolloutStore();
  final InMemoryConfigStore configs = new InMemoryConfigStore(baseline());
  final RecordingAlertPublisher alerts = new RecordingAlertPublisher();
  final Tokens tokens = new Tokens();
  final Scripted policy = new Scripted();
  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  WorkflowStarter starter = (app, id) -> "arn:aws:states:us-east-1:123456789012:execution:llm-canary-promotion:" + id;

  /** ApprovePromotion executions that check out (running, asking for this decision), by ARN. */
  final java.util.Map<String, String> runningApprovals = new java.util.concurrent.ConcurrentHashMap<>();
  final ApprovalExecutions executions = (arn, app, id, decision) -> (id + " " + decision).equals(runningApprovals.get(arn))
      ? new ApprovalExecutions.Check.Verified(arn) : new ApprovalExecutions.Check.Refused("no such running execution");

  PromotionFunction function(InstantSource clock) {
    return function(clock, OperatorRules.OPEN);
  }

  PromotionFunction function(InstantSource clock, OperatorRules rules) {
    PromotionPorts ports = new PromotionPorts(store, configs, NO_METRICS, policy, alerts, tokens,
        (a, i) -> starter.start(a, i), null, clock);
    return new PromotionFunction(new Promotion(ports, new ApprovalChannels("us-east-1",
        "arn:aws:states:us-east-1:123456789012:stateMachine:llm-canary-approve-promotion", "https://abc123.execute-api.us-east-1.amazonaws.com", null),
        rules), executions, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
  }

  String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
