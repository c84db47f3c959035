package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.aws.SnsAlertPublisher;
import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.health.RecordedMetrics;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.health.Traffic.Truth;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The handler with the real rollout store (DynamoDB conditional writes) and alert topic (SNS, read back through a
 * subscribed SQS queue) on the emulator: a regression is rolled back in the table and paged exactly once, also
 * when the topic is gone on the first run and back on the next.
 */
@AwsIntegrationTest
class HealthCheckHandlerIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String APP = "support-chat";
  static final Instant STAGE = Instant.parse("2026-11-26T03:00:00Z");
  static final Map<String, Object> SCHEDULED = Map.of("source", "llm-canary.scheduler");

  static DynamoDbClient dynamo;
  static SnsClient sns;
  static SqsClient sqs;

  String table;
  String topicName;
  String topicArn;
  String queueUrl;
  String rolloutId;
  final RecordedMetrics metrics = new RecordedMetrics();
  final RecordingApprovalGateway approvals = new RecordingApprovalGateway();
  InMemoryConfigStore config;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    dynamo = aws.client(DynamoDbClient.builder());
    sns = aws.client(SnsClient.builder());
    sqs = aws.client(SqsClient.builder());
  }

  @AfterAll
  static void close() {
    dynamo.close();
    sns.close();
    sqs.close();
  }

  @BeforeEach
  void resources() {
    String suffix = UUID.randomUUID().toString();
    table = "rollouts-" + suffix;
    DynamoDbRolloutStore.createTable(dynamo, table);
    topicName = "alerts-" + suffix;
    queueUrl = sqs.createQueue(b -> b.queueName(topicName)).queueUrl();
    topic();
    rolloutId = "r-" + suffix.substring(0, 8);
    config = new InMemoryConfigStore(new io.llmcanary.core.config.RolloutConfig(1, APP, rolloutId, 5, null,
        HealthCheckHandlerTest.config(5).versions(), Map.of(), null, null, false));
  }

  void topic() {
    topicArn = sns.createTopic(b -> b.name(topicName)).topicArn();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
  }

  HealthCheckHandler handler(DynamoDbRolloutStore store, Instant now) {
    HealthCheck check = new HealthCheck(store, metrics, config, new SnsAlertPublisher(sns, topicArn), approvals,
        new SequentialJudge(), Clock.fixed(now, ZoneOffset.UTC), HealthCheckSettings.defaults(OperatorCommands.local()));
    return new HealthCheckHandler(check, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  List<JsonNode> delivered() throws Exception {
    List<JsonNode> envelopes = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages()) {
        envelopes.add(JSON.readTree(m.body()));
      }
    }
    return envelopes;
  }

  @SuppressWarnings("unchecked")
  static String action(Map<String, Object> response) {
    List<Map<String, Object>> rollouts = (List<Map<String, Object>>) response.get("rollouts");
    return rollouts.isEmpty() ? "none" : (String) rollouts.get(0).get("action");
  }

  Instant regressingRollout(DynamoDbRolloutStore store) {
    store.create(RolloutState.start(APP, rolloutId, StagePlan.DEFAULT, STAGE, "arn:aws:states:execution"));
    new Traffic(metrics, 7, APP, rolloutId).run(STAGE, Duration.ofHours(8), 100, 5, Truth.stable(),
        Truth.stable().withQuality(0.55));
    return STAGE.plus(Duration.ofHours(8));
  }

  @Test
  void regressionIsRolledBackInTheTableAndPagedOnceThroughSns() throws Exception {
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, table);
    Instant now = regressingRollout(store);

    assertThat(action(handler(store, now).handleRequest(SCHEDULED, null))).isEqualTo("ROLLED_BACK");
    assertThat(action(handler(store, now).handleRequest(SCHEDULED, null))).isEqualTo("none");

    RolloutState s = store.get(APP, rolloutId).orElseThrow();
    assertThat(s.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(s.owed()).isEmpty();
    assertThat(store.active()).noneMatch(a -> a.rolloutId().equals(rolloutId));
    assertThat(store.history(APP, rolloutId).stream().map(AuditEvent::type)).containsSubsequence("VERDICT",
        "TRANSITION", "CANARY_ZEROED", "ALERT_SENT");
    assertThat(config.deployedConfig().canaryPercent()).isZero();

    List<JsonNode> envelopes = delivered();
    assertThat(envelopes).hasSize(1);
    assertThat(envelopes.get(0).get("Subject").asText()).contains(APP).contains(rolloutId).contains("avg_quality");
    assertThat(envelopes.get(0).get("Message").asText()).contains("Detected at:").contains("n(canary)");
  }

  @Test
  void topicGoneOnTheFirstRunIsPagedOnceOnTheNext() throws Exception {
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, table);
    Instant now = regressingRollout(store);
    sns.deleteTopic(b -> b.topicArn(topicArn));

    assertThat(action(handler(store, now).handleRequest(SCHEDULED, null))).isEqualTo("ROLLED_BACK");
    RolloutState afterFirst = store.get(APP, rolloutId).orElseThrow();
    assertThat(afterFirst.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(afterFirst.owed()).anyMatch(o -> o instanceof OwedStep.SendAlert);
    assertThat(config.deployedConfig().canaryPercent()).isZero();

    topic();
    Instant next = now.plus(Duration.ofMinutes(15));
    assertThat(action(handler(store, next).handleRequest(SCHEDULED, null))).isEqualTo("RESUMED");
    assertThat(action(handler(store, next.plus(Duration.ofMinutes(15))).handleRequest(SCHEDULED, null)))
        .isEqualTo("none");

    assertThat(delivered()).hasSize(1);
    assertThat(store.get(APP, rolloutId).orElseThrow().owed()).isEmpty();
  }
}
