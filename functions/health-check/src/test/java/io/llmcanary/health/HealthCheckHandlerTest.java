package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.health.RecordedMetrics;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.health.Traffic.Truth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The handler end to end on embedded adapters and the real judge: events in, verdicts, rollback steps, alerts
 * and the response out. Metrics are synthetic traffic with a known truth, read back from EMF lines.
 */
class HealthCheckHandlerTest {

  static final String APP = "support-chat";
  static final String ID = "concise-2026-11-26";
  static final Instant STAGE = Instant.parse("2026-11-26T03:00:00Z");

  final InMemoryRolloutStore store = new InMemoryRolloutStore();
  final InMemoryConfigStore config = new InMemoryConfigStore(config(5));
  final RecordingAlertPublisher alerts = new RecordingAlertPublisher();
  final RecordingApprovalGateway approvals = new RecordingApprovalGateway();
  final RecordedMetrics metrics = new RecordedMetrics();
  final AtomicReference<Instant> now = new AtomicReference<>();
  final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  static RolloutConfig config(double percent) {
    VersionSpec v = new VersionSpec("offline-model", "offline", "You are helpful.", null, 0.7, 512);
    return new RolloutConfig(1, APP, ID, percent, null, Map.of("stable", v, "canary", v), Map.of(), null, null,
        false);
  }

  Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  HealthCheckHandler handler(ConfigPublisher publisher) {
    HealthCheck check = new HealthCheck(store, metrics, publisher, alerts, approvals, new SequentialJudge(), clock(),
        HealthCheckSettings.defaults(new OperatorCommands("llm-canary-HealthCheck", "eu-west-1", "llm-canary", null,
            null)));
    return new HealthCheckHandler(check, new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  HealthCheckHandler handler() {
    return handler(config);
  }

  /** A rollout at 5% since STAGE, with {@code d} of traffic, checked at the end of it. */
  void rollout(Duration d, double rpm, Truth canary) {
    store.create(RolloutState.start(APP, ID, StagePlan.DEFAULT, STAGE, "arn:aws:states:execution"));
    new Traffic(metrics, 42, APP, ID).run(STAGE, d, rpm, 5, Truth.stable(), canary);
    now.set(STAGE.plus(d));
  }

  static final Map<String, Object> SCHEDULED = Map.of("source", "llm-canary.scheduler", "detail-type",
      "Scheduled health check");

  @SuppressWarnings("unchecked")
  static Map<String, Object> only(Map<String, Object> response) {
    List<Map<String, Object>> rollouts = (List<Map<String, Object>>) response.get("rollouts");
    assertThat(rollouts).hasSize(1);
    return rollouts.get(0);
  }

  RolloutState stored() {
    return store.get(APP, ID).orElseThrow();
  }

  @Test
  void healthyCanaryIsLeftRunning() {
    rollout(Duration.ofHours(12), 100, Truth.stable());
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("JUDGED");
    assertThat(r.get("verdict")).isEqualTo("HEALTHY");
    assertThat(stored().status()).isEqualTo(RolloutStatus.RUNNING);
    assertThat(store.history(APP, ID)).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo("VERDICT");
      assertThat(e.table()).contains("avg_quality").contains("p95_latency").contains("error_rate");
    });
    assertThat(alerts.delivered()).isEmpty();
    assertThat(logs.toString(StandardCharsets.UTF_8)).contains("\"level\":\"INFO\"").contains("\"verdict\":\"HEALTHY\"");
  }

  @Test
  void tooFewSamplesIsInconclusive() {
    rollout(Duration.ofMinutes(20), 100, Truth.stable());
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("verdict")).isEqualTo("INCONCLUSIVE");
    assertThat(stored().status()).isEqualTo(RolloutStatus.RUNNING);
  }

  @Test
  void qualityRegressionIsRolledBackAndPaged() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withQuality(0.55));
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("ROLLED_BACK");
    assertThat(r.get("verdict")).isEqualTo("REGRESSION");
    assertThat(stored().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(config.publications().get(0).speed()).isEqualTo(ConfigPublisher.Speed.IMMEDIATE);
    assertThat(alerts.delivered()).singleElement().satisfies(a -> {
      assertThat(a.subject()).contains(APP).contains(ID).contains("avg_quality");
      assertThat(a.body()).contains("Detected at:    " + now.get()).contains("n(canary)")
          .contains("aws lambda invoke --function-name llm-canary-HealthCheck --region eu-west-1")
          .contains("./canaryctl history " + ID + " --stack llm-canary");
    });
    assertThat(logs.toString(StandardCharsets.UTF_8)).contains("\"level\":\"WARN\"");
  }

  @Test
  void errorSpikeIsRolledBack() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withErrorRate(0.08));
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("ROLLED_BACK");
    assertThat(alerts.delivered().get(0).subject()).contains("error_rate");
  }

  @Test
  void brokenCanaryHitsTheHardCeilingAtOnce() {
    rollout(Duration.ofMinutes(10), 100, Truth.stable().withErrorRate(0.5));
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("ROLLED_BACK");
    assertThat((String) r.get("reason")).contains("ceiling");
    assertThat(stored().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
  }

  @Test
  void stableWithZeroErrorsAndOneCanaryErrorIsNoRollback() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withErrorRate(0));
    // Stable had no errors at all; canary one unlucky error: no division by zero, no rollback.
    Truth flawless = Truth.stable().withErrorRate(0);
    metrics.record(new io.llmcanary.core.metrics.RequestMetrics(APP, ID, io.llmcanary.core.config.Variant.CANARY,
        "unlucky", "offline-model", "error", STAGE.plusSeconds(3600).toEpochMilli(), true, 900, 300, 0, 0, null));
    assertThat(flawless.errorRate()).isZero();
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("JUDGED");
    assertThat(r.get("verdict")).isNotEqualTo("REGRESSION");
    assertThat((String) r.get("table")).contains("error_rate").doesNotContain("NaN");
  }

  @Test
  void onDemandEventNamesOneRollout() {
    rollout(Duration.ofMinutes(20), 100, Truth.stable());
    Map<String, Object> r = only(handler().handleRequest(Map.of("application", APP, "rolloutId", ID), null));
    assertThat(r.get("rolloutId")).isEqualTo(ID);
    Map<String, Object> missing = only(handler().handleRequest(Map.of("rolloutId", "nope"), null));
    assertThat(missing.get("action")).isEqualTo("NOT_FOUND");
    assertThatThrownBy(() -> handler().handleRequest(Map.of("rolloutId", 7), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rolloutId");
  }

  // ------------------------------------------------------------------------------------------------ faults

  @Test
  void duplicateEventRollsBackOnce() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withQuality(0.55));
    handler().handleRequest(SCHEDULED, null);
    Map<String, Object> again = handler().handleRequest(SCHEDULED, null);
    assertThat((List<?>) again.get("rollouts")).isEmpty();
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(config.publications()).hasSize(1);
  }

  @Test
  void twoRunsAtOnceGiveOneRollbackAndOneAlert() throws Exception {
    rollout(Duration.ofHours(8), 100, Truth.stable().withQuality(0.55));
    // Both runs read the rollout as RUNNING before either writes: a gate holds each one inside the metrics read.
    java.util.concurrent.CyclicBarrier bothRead = new java.util.concurrent.CyclicBarrier(2);
    io.llmcanary.core.ports.MetricsQuery gated = (a, i, f, t) -> {
      try {
        bothRead.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return metrics.fetch(a, i, f, t);
    };
    java.util.function.Supplier<HealthCheckHandler> h = () -> new HealthCheckHandler(new HealthCheck(store, gated,
        config, alerts, approvals, new SequentialJudge(), clock(), HealthCheckSettings.defaults(OperatorCommands.local())),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> h.get().handleRequest(SCHEDULED, null));
      var b = pool.submit(() -> h.get().handleRequest(SCHEDULED, null));
      List<Object> actions = List.of(only(a.get()).get("action"), only(b.get()).get("action"));
      assertThat(actions).containsExactlyInAnyOrder("ROLLED_BACK", "NO_OP");
    } finally {
      pool.shutdownNow();
    }
    // One rollback, one page: the loser may finish the owed steps beside the winner (RollbackAction's contract),
    // so a second delivery is the same alert, with the same id a subscriber de-duplicates on, never a second one.
    assertThat(alerts.delivered()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
    assertThat(alerts.delivered().stream().map(io.llmcanary.core.ports.Alert::id).distinct()).hasSize(1);
    assertThat(config.publications()).isNotEmpty().hasSizeLessThanOrEqualTo(2)
        .allMatch(p -> p.config().canaryPercent() == 0);
    assertThat(store.history(APP, ID).stream().filter(e -> e.type().equals("TRANSITION"))).hasSize(1);
  }

  @Test
  void snsDownThenUpDeliversTheAlertOnceOnTheNextRun() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withQuality(0.55));
    alerts.failNext(1);
    Map<String, Object> first = only(handler().handleRequest(SCHEDULED, null));
    assertThat(first.get("action")).isEqualTo("ROLLED_BACK");
    assertThat(stored().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(alerts.delivered()).isEmpty();

    now.set(now.get().plus(Duration.ofMinutes(15)));
    Map<String, Object> second = only(handler().handleRequest(SCHEDULED, null));
    assertThat(second.get("action")).isEqualTo("RESUMED");
    assertThat(alerts.delivered()).hasSize(1);

    now.set(now.get().plus(Duration.ofMinutes(15)));
    handler().handleRequest(SCHEDULED, null);
    assertThat(alerts.delivered()).hasSize(1);
  }

  @Test
  void appConfigConflictStillPagesAndTheConfigStepIsRetried() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withQuality(0.55));
    AtomicInteger conflicts = new AtomicInteger(1);
    ConfigPublisher conflicted = new ConfigPublisher() {
      @Override
      public RolloutConfig deployedConfig() {
        return config.deployedConfig();
      }

      @Override
      public void publish(RolloutConfig c, Speed speed, String description) {
        if (conflicts.getAndDecrement() > 0) {
          throw new IllegalStateException("AppConfig environment env1234 still has a deployment in progress after 4"
              + " attempts (ConflictException)");
        }
        config.publish(c, speed, description);
      }
    };
    Map<String, Object> first = handler(conflicted).handleRequest(SCHEDULED, null);
    assertThat(alerts.delivered()).singleElement().satisfies(a -> assertThat(a.body()).contains("ACTION NEEDED"));
    assertThat(stored().owed()).singleElement().isInstanceOf(OwedStep.ZeroCanary.class);
    // The same run's reconciler found 5% deployed where the state allows 0 and deployed 0% (the AppConfig conflict
    // had cleared); it is the rollback's own owed step, so it pages nothing more.
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(first.get("signals")).isEqualTo(Map.of("RolloutsJudged", 1L, "RolloutsNotJudged", 0L,
        "RollbackStepsFailed", 1L, "DriftCorrected", 1L));

    now.set(now.get().plus(Duration.ofMinutes(15)));
    Map<String, Object> r = only(handler(conflicted).handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("RESUMED");
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(stored().owed()).isEmpty();
  }

  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void crashBetweenStepsIsResumed() {
    rollout(Duration.ofHours(8), 100, Truth.stable().withQuality(0.55));
    RecordingAlertPublisher crashing = new RecordingAlertPublisher(a -> {
      throw new Crash();
    });
    HealthCheck dying = new HealthCheck(store, metrics, config, crashing, approvals, new SequentialJudge(), clock(),
        HealthCheckSettings.defaults(OperatorCommands.local()));
    assertThatThrownBy(() -> new HealthCheckHandler(dying, System.out).handleRequest(SCHEDULED, null))
        .isInstanceOf(Crash.class);
    assertThat(stored().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(stored().owed()).anyMatch(o -> o instanceof OwedStep.SendAlert);
    assertThat(config.publications()).hasSize(1);

    now.set(now.get().plus(Duration.ofMinutes(15)));
    Map<String, Object> r = only(handler().handleRequest(SCHEDULED, null));
    assertThat(r.get("action")).isEqualTo("RESUMED");
    assertThat(alerts.delivered()).hasSize(1);
    assertThat(config.publications()).hasSize(1);
    assertThat(stored().owed()).isEmpty();
    assertThat(store.history(APP, ID).stream().map(AuditEvent::type))
        .containsSubsequence("VERDICT", "TRANSITION", "CANARY_ZEROED", "ALERT_SENT");
  }
}
