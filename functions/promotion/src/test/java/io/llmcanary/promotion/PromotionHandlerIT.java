package io.llmcanary.promotion;

import static io.llmcanary.promotion.Embedded.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.aws.SnsAlertPublisher;
import io.llmcanary.codec.Json;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.OneRequestAtATime;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The handler's actions against the shared emulator endpoint: rollout state and audit in DynamoDB (conditional
 * writes for real), alerts through SNS into a subscribed queue. The approval task tokens are the embedded ones
 * (the state machine test completes real ones).
 */
@AwsIntegrationTest
class PromotionHandlerIT {

  private static DynamoDbClient dynamo;
  private static SnsClient sns;
  private static SqsClient sqs;

  private final Embedded.Tokens tokens = new Embedded.Tokens();
  private DynamoDbRolloutStore store;
  private InMemoryConfigStore configs;
  private String queueUrl;
  private PromotionFunction function;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    // DynamoDB isolates racing writes and transactions; moto does not (see OneRequestAtATime). The racing tests here
    // hold the store to DynamoDB's guarantee, so their requests reach moto one at a time; threads still race.
    dynamo = aws.configure(DynamoDbClient.builder())
        .httpClientBuilder(defaults -> new OneRequestAtATime(UrlConnectionHttpClient.builder().buildWithDefaults(defaults)))
        .build();
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
  void wire() {
    String name = "promotion-" + UUID.randomUUID();
    DynamoDbRolloutStore.createTable(dynamo, name);
    store = new DynamoDbRolloutStore(dynamo, name);
    configs = new InMemoryConfigStore(Embedded.baseline());
    String topicArn = sns.createTopic(b -> b.name(name)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    PromotionPorts ports = new PromotionPorts(store, configs, Embedded.NO_METRICS, new Embedded.Scripted(),
        new SnsAlertPublisher(sns, topicArn), tokens,
        (app, id) -> "arn:aws:states:us-east-1:123456789012:execution:llm-canary-promotion:" + id, null,
        Clock.systemUTC());
    function = new PromotionFunction(new Promotion(ports, new ApprovalChannels("us-east-1", null, null, null)),
        new PrintStream(new ByteArrayOutputStream()));
  }

  private JsonNode call(ObjectNode event) {
    return Embedded.json(function.handle(event.toString()));
  }

  private JsonNode call(String file) {
    return call(Embedded.event(file));
  }

  private void toApproval(int stage) {
    ObjectNode gate = Embedded.event("promotion-gate.json");
    gate.put("stageIndex", stage);
    assertThat(call(gate).path("next").asText()).isEqualTo("REQUEST_APPROVAL");
    tokens.open.add("token-" + stage);
    ObjectNode ask = Embedded.event("promotion-request-approval.json");
    ask.put("stageIndex", stage).put("taskToken", "token-" + stage);
    assertThat(call(ask).path("next").asText()).isEqualTo("AWAIT_DECISION");
  }

  private List<JsonNode> delivered() {
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        out.add(Embedded.json(m.body()));
      }
    }
    return out;
  }

  @Test
  void everyActionOnTheSampleEventsWithStateInDynamoDbAndAlertsThroughSns() {
    assertThat(call("promotion-start.json").path("applied").asBoolean()).isTrue();
    assertThat(call("promotion-apply-stage.json").path("next").asText()).isEqualTo("WAIT");
    for (int stage = 0; stage < 3; stage++) {
      toApproval(stage);
      assertThat(call("promotion-decide-approve.json").path("applied").asBoolean()).isTrue();
      ObjectNode apply = Embedded.event("promotion-apply-stage-after-approval.json");
      ((ObjectNode) apply.get("approval")).put("fromStage", stage).put("toStage", stage + 1);
      assertThat(call(apply).path("next").asText()).isEqualTo(stage < 2 ? "WAIT" : "FINALIZE");
    }
    assertThat(call("promotion-finalize.json").path("next").asText()).isEqualTo("PROMOTED");

    assertThat(store.get(APP, Embedded.ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.PROMOTED);
    assertThat(store.active()).isEmpty();
    List<AuditEvent> history = store.history(APP, Embedded.ROLLOUT);
    assertThat(history).extracting(AuditEvent::type).startsWith("STARTED").contains("GATE", "TRANSITION");
    assertThat(history).last().extracting(AuditEvent::toStatus).isEqualTo(RolloutStatus.PROMOTED);
    assertThat(history).filteredOn(e -> e.type().equals("GATE")).allSatisfy(e -> assertThat(e.table()).contains("avg_quality"));

    List<JsonNode> alerts = delivered();
    assertThat(alerts).extracting(a -> a.path("MessageAttributes").path("kind").path("Value").asText())
        .containsExactly("APPROVAL_NEEDED", "APPROVAL_NEEDED", "APPROVAL_NEEDED", "PROMOTED");
    assertThat(alerts.get(0).path("Subject").asText()).contains("Approval needed: support-chat/concise-2026-11-26");
    assertThat(alerts.get(0).path("Message").asText()).contains("./canaryctl approve concise-2026-11-26");
  }

  @Test
  void anApproveAndARejectRacingOnDynamoDbLeaveOneDecision() throws Exception {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    toApproval(0);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      Future<JsonNode> approve = pool.submit(() -> {
        go.await();
        return call("promotion-decide-approve.json");
      });
      Future<JsonNode> reject = pool.submit(() -> {
        go.await();
        return call("promotion-decide-reject.json");
      });
      go.countDown();
      JsonNode a = approve.get();
      JsonNode r = reject.get();

      RolloutStatus end = store.get(APP, Embedded.ROLLOUT).orElseThrow().status();
      // Exactly one decision takes effect, and the rollout ends where that one says; the task token completes
      // once (whichever reached it first), and the workflow follows the rollout's state from there.
      assertThat(a.path("applied").asBoolean()).as(a + " / " + r).isNotEqualTo(r.path("applied").asBoolean());
      if (a.path("applied").asBoolean()) {
        assertThat(end).isEqualTo(RolloutStatus.RUNNING);
        assertThat(configs.deployedConfig().canaryPercent()).isEqualTo(5.0);
        assertThat(r.path("message").asText()).contains("not waiting for approval");
      } else {
        assertThat(end).isEqualTo(RolloutStatus.REJECTED);
        assertThat(configs.deployedConfig().canaryPercent()).isZero();
      }
      assertThat(tokens.log).hasSize(1);
      long decisions = store.history(APP, Embedded.ROLLOUT).stream()
          .filter(e -> e.type().equals("TRANSITION") && e.fromStatus() == RolloutStatus.AWAITING_APPROVAL).count();
      assertThat(decisions).as("one transition out of AWAITING_APPROVAL").isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theStatusRouteReadsStateAndHistoryFromDynamoDb() {
    call("promotion-start.json");
    JsonNode status = call("promotion-api-status.json");
    assertThat(status.path("statusCode").asInt()).isEqualTo(200);
    JsonNode body = Embedded.json(status.path("body").asText());
    assertThat(body.path("status").asText()).isEqualTo("RUNNING");
    assertThat(body.path("history").get(0).path("type").asText()).isEqualTo("STARTED");
    assertThat(Json.MAPPER.convertValue(body.path("stages"), double[].class)).containsExactly(5, 25, 50, 100);
  }

  @Test
  void theRollbackRouteStopsAWaitingRolloutInDynamoDbPagesThroughSnsAndAuditsTheIamCaller() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    toApproval(0);

    JsonNode r = call("promotion-api-rollback.json");

    assertThat(r.path("statusCode").asInt()).as(r.toString()).isEqualTo(200);
    assertThat(store.get(APP, Embedded.ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(store.active()).isEmpty();
    assertThat(configs.deployedConfig().canaryPercent()).isZero();
    assertThat(tokens.log).singleElement().asString().startsWith("failure RolledBack");
    assertThat(store.history(APP, Embedded.ROLLOUT)).filteredOn(e -> e.toStatus() == RolloutStatus.ROLLED_BACK
        && e.fromStatus() == RolloutStatus.AWAITING_APPROVAL).singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo("arn:aws:iam::123456789012:user/alice"));
    assertThat(delivered()).extracting(a -> a.path("MessageAttributes").path("kind").path("Value").asText())
        .contains("ROLLBACK");
    assertThat(call("promotion-api-rollback.json").path("statusCode").asInt()).isEqualTo(409);
  }
}
