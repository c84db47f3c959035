package io.llmcanary.promotion;

import static io.llmcanary.promotion.Embedded.APP;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckReport;
import io.llmcanary.core.health.HealthCheckRequest;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.promotion.Approval;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.Next;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.promotion.PromotionRequest;
import io.llmcanary.core.promotion.StartRequest;
import io.llmcanary.core.promotion.StepResult;
import io.llmcanary.core.rollback.Reconciler;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The race of docs/architecture.md#failure-modes through the real DynamoDB store (conditional writes and transactions on the emulator):
 * ApplyStage puts stage 2 (25%) into effect while a health-check rollback commits. Step by step, in both orders,
 * the end state deploys 0%.
 */
@AwsIntegrationTest
class ApplyStageRollbackRaceIT {

  private static DynamoDbClient dynamo;
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final String ID = "race";

  private DynamoDbRolloutStore store;
  private final RecordingAlertPublisher alerts = new RecordingAlertPublisher();
  private final Embedded.Tokens tokens = new Embedded.Tokens();
  private GatedConfig config;
  private Promotion promotion;
  private HealthCheck healthCheck;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    dynamo = aws.client(DynamoDbClient.builder());
  }

  @AfterAll
  static void close() {
    dynamo.close();
  }

  /** AppConfig in memory, with a gate that holds a PLANNED publish (a stage) until the test lets it go. */
  static final class GatedConfig implements ConfigPublisher {
    final InMemoryConfigStore inner;
    volatile CountDownLatch arrived = new CountDownLatch(1);
    volatile CountDownLatch release = new CountDownLatch(0);
    volatile boolean crashAfterPlanned;

    GatedConfig(RolloutConfig initial) {
      inner = new InMemoryConfigStore(initial);
    }

    @Override
    public RolloutConfig deployedConfig() {
      return inner.deployedConfig();
    }

    @Override
    public void publish(RolloutConfig c, Speed speed, String description) {
      if (speed == Speed.PLANNED) {
        arrived.countDown();
        try {
          assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      inner.publish(c, speed, description);
      if (speed == Speed.PLANNED && crashAfterPlanned) {
        throw new Died();
      }
    }
  }

  /** The promotion function died right after its deployment was accepted. */
  static final class Died extends Error {
    private static final long serialVersionUID = 1L;
  }

  /** A judge that finds a regression on every check. */
  static final CanaryPolicy REGRESSING = new CanaryPolicy() {
    @Override
    public String name() {
      return "regressing";
    }

    @Override
    public Verdict rollbackCheck(JudgeInput input, Guardrails g) {
      return new Verdict(Outcome.REGRESSION, Verdict.Kind.ROLLBACK_CHECK, List.of(new MetricRow(io.llmcanary.core.judge.Metric.ERROR_RATE, 0.01,
          0.09, MetricRow.diffPercent(0.01, 0.09), "canary <= 2x stable", Outcome.REGRESSION, 4000, 400, "race")),
          "error_rate 9x stable");
    }

    @Override
    public Verdict promotionGate(JudgeInput input, Guardrails g) {
      return rollbackCheck(input, g);
    }
  };

  @BeforeEach
  void wire() {
    String table = "race-" + UUID.randomUUID();
    DynamoDbRolloutStore.createTable(dynamo, table);
    store = new DynamoDbRolloutStore(dynamo, table);
    config = new GatedConfig(Embedded.baseline());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    promotion = new Promotion(new PromotionPorts(store, config, Embedded.NO_METRICS, new Embedded.Scripted(), alerts,
        tokens, (a, i) -> "arn:aws:states:us-east-1:123456789012:execution:promotion:" + i, null, clock),
        ApprovalChannels.LOCAL);
    healthCheck = new HealthCheck(store, Embedded.NO_METRICS, config, alerts, tokens, REGRESSING, clock,
        HealthCheckSettings.defaults(OperatorCommands.local()));
    // A rollout at stage 1 (5%) whose stage 2 was just approved: the workflow's next ApplyStage deploys 25%.
    config.arrived = new CountDownLatch(1);
    config.release = new CountDownLatch(0);
    VersionSpec stable = Embedded.baseline().versions().get("stable");
    VersionSpec canary = new VersionSpec(stable.model(), stable.provider(), "You are a concise assistant.",
        stable.fewShot(), stable.temperature(), stable.maxTokens());
    var started = promotion.start(new StartRequest(APP, ID, canary, Map.of(), null, "alice", "race"));
    assertThat(started.applied()).as(started.message()).isTrue();
    RolloutState s = store.get(APP, ID).orElseThrow();
    promotion.requestApproval(new PromotionRequest.RequestApproval(APP, ID, 0, "tok", s.executionArn(), 3600));
    tokens.open.add("tok");
    assertThat(promotion.decide(new PromotionRequest.Decide(APP, ID, "approve", "bob", "ok")).applied()).isTrue();
    assertThat(store.get(APP, ID).orElseThrow().canaryPercent()).isEqualTo(25.0);
    assertThat(config.deployedConfig().canaryPercent()).isEqualTo(5.0);
    pagesBefore = alerts.delivered().size();
  }

  private int pagesBefore;

  private List<Alert.Kind> pagesSince() {
    return alerts.delivered().subList(pagesBefore, alerts.delivered().size()).stream().map(Alert::kind).toList();
  }

  private StepResult applyStage2() {
    RolloutState s = store.get(APP, ID).orElseThrow();
    return promotion.applyStage(new PromotionRequest.ApplyStage(APP, ID, s.executionArn(),
        Approval.of("bob", "ok", 0)));
  }

  @Test
  void aRollbackThatCommitsWhileTheStageDeploysIsFencedToZero() throws Exception {
    config.arrived = new CountDownLatch(1);
    config.release = new CountDownLatch(1);
    CompletableFuture<StepResult> apply = CompletableFuture.supplyAsync(this::applyStage2);
    assertThat(config.arrived.await(30, TimeUnit.SECONDS)).as("ApplyStage reached its deployment").isTrue();

    // ApplyStage has read RUNNING and is deploying 25%: the health check's rollback commits now.
    HealthCheckReport hc = healthCheck.run(HealthCheckRequest.all());
    assertThat(store.get(APP, ID).orElseThrow().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(config.deployedConfig().canaryPercent()).isZero();

    config.release.countDown(); // ApplyStage's deployment of 25% lands on top of the rollback's 0% ...
    StepResult r = apply.get(30, TimeUnit.SECONDS);

    // ... and its fence sees the rollout ended and takes the share back at once.
    assertThat(r.next()).isEqualTo(Next.ROLLED_BACK);
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(config.inner.publications()).extracting(p -> p.config().canaryPercent()).containsExactly(5.0, 0.0,
        25.0, 0.0);
    assertThat(store.history(APP, ID)).extracting(AuditEvent::type).contains("STAGE_FENCED");
    assertThat(pagesSince()).containsExactly(Alert.Kind.ROLLBACK);
    assertThat(hc.reconcile()).isInstanceOf(Reconciler.Result.InSync.class);
  }

  @Test
  void aRollbackThatCommitsBeforeTheStageIsReadLeavesNothingToDeploy() {
    config.release = new CountDownLatch(0);
    healthCheck.run(HealthCheckRequest.all());
    assertThat(config.deployedConfig().canaryPercent()).isZero();

    StepResult r = applyStage2();

    assertThat(r.next()).isEqualTo(Next.ROLLED_BACK);
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(config.inner.publications()).extracting(p -> p.config().canaryPercent()).containsExactly(5.0, 0.0);
  }

  @Test
  void aStageDeployedByAFunctionThatDiedBeforeItsFenceIsCorrectedByTheNextHealthCheck() throws Exception {
    config.arrived = new CountDownLatch(1);
    config.release = new CountDownLatch(1);
    config.crashAfterPlanned = true;
    CompletableFuture<StepResult> apply = CompletableFuture.supplyAsync(this::applyStage2);
    assertThat(config.arrived.await(30, TimeUnit.SECONDS)).isTrue();
    healthCheck.run(HealthCheckRequest.all());
    config.release.countDown();
    assertThat(apply).failsWithin(30, TimeUnit.SECONDS);
    assertThat(config.deployedConfig().canaryPercent()).as("the dead ApplyStage left 25% deployed").isEqualTo(25.0);

    HealthCheckReport next = healthCheck.run(HealthCheckRequest.all());

    assertThat(next.reconcile()).isInstanceOfSatisfying(Reconciler.Result.Corrected.class, c -> {
      assertThat(c.found()).isEqualTo(25.0);
      assertThat(c.allowed()).isZero();
    });
    assertThat(config.deployedConfig().canaryPercent()).isZero();
    assertThat(pagesSince()).containsExactly(Alert.Kind.ROLLBACK, Alert.Kind.DRIFT_CORRECTED);
    assertThat(next.count(HealthCheckReport.Signal.DRIFT_CORRECTED)).isEqualTo(1);
  }
}
