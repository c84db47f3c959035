package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.ConfigAndMetricsStub;
import io.llmcanary.testing.Java21;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What a scheduled health-check run of a deployed jar meets, for the tests that run the built jar (on the classpath
 * alone, or under the runtime interface client): a rollout table on the emulator with the example config's rollout,
 * rolled back an hour ago by a run that could not page (its page still owed), and another application's rollout two
 * hours into its first stage; an alert topic with a queue subscribed to see what SNS delivered; and a loopback stub
 * serving the example config as its rollback left it (canary at 0%: the reconciler would correct anything more) and
 * CloudWatch's "no data".
 */
final class ScheduledRunWorld implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String APP = "support-chat";

  final DynamoDbClient dynamo;
  final SnsClient sns;
  final SqsClient sqs;
  final ObjectNode config;
  final ConfigAndMetricsStub stub;
  final String table;
  final DynamoDbRolloutStore store;
  final String topicArn;
  final String queueUrl;
  final String rolledBack;

  /** @param owedSubject the subject of the page the rolled-back rollout still owes */
  ScheduledRunWorld(AwsEndpoint aws, String tablePrefix, String owedSubject) throws IOException {
    String suffix = UUID.randomUUID().toString();
    table = tablePrefix + suffix;
    config = (ObjectNode) JSON.readTree(Files.readString(Java21.root().resolve(
        "infrastructure/appconfig/rollout-config.example.json")));
    config.put("canaryPercent", 0);
    rolledBack = config.get("rolloutId").asText();
    dynamo = aws.client(DynamoDbClient.builder());
    sns = aws.client(SnsClient.builder());
    sqs = aws.client(SqsClient.builder());
    stub = ConfigAndMetricsStub.start(config.toString());
    DynamoDbRolloutStore.createTable(dynamo, table);
    store = new DynamoDbRolloutStore(dynamo, table);
    topicArn = sns.createTopic(b -> b.name(table)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName(table)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    Instant now = Instant.now();
    Instant hourAgo = now.minus(Duration.ofHours(1));
    List<OwedStep> owed = List.of(new OwedStep.SendAlert(new Alert(Alert.Kind.ROLLBACK, APP, rolledBack, owedSubject,
        "rolled back before this test")));
    store.create(new RolloutState(APP, rolledBack, RolloutStatus.ROLLED_BACK, StagePlan.DEFAULT, 0, 2, hourAgo,
        hourAgo, hourAgo, null, null, "health check: regression", owed));
    store.create(RolloutState.start("other-app", "active-" + suffix, StagePlan.DEFAULT, now.minus(Duration.ofHours(2)),
        null));
  }

  /**
   * What the run must have done: finished the rolled-back rollout's owed page (delivered once, through SNS, with
   * {@code owedSubject}) and judged the other on CloudWatch's answer (no data: inconclusive), not on a failed call,
   * reading the deployed config from AppConfig; and answered that nothing failed.
   */
  void assertTheRunFinishedTheOwedPageAndJudgedTheOther(JsonNode response, String owedSubject) throws IOException {
    assertThat(response.get("failed").asBoolean()).as(response.toString()).isFalse();
    List<String> actions = new ArrayList<>();
    response.get("rollouts").forEach(r -> actions.add(r.get("application").asText() + " "
        + r.get("action").asText() + " " + (r.path("verdict").isTextual() ? r.get("verdict").asText() : "-")));
    assertThat(actions).as(response.toString())
        .containsExactlyInAnyOrder("support-chat RESUMED -", "other-app JUDGED INCONCLUSIVE");
    response.get("rollouts").forEach(r -> assertThat(r.get("reason").asText()).doesNotContain("unavailable"));

    assertThat(stub.requests()).anyMatch(r -> r.startsWith("GET /applications/app1234/configurationprofiles/"
        + "prof123/hostedconfigurationversions/1"));
    assertThat(stub.requests()).anyMatch(r -> r.endsWith("/operation/GetMetricData"));
    assertThat(store.get(APP, rolledBack).orElseThrow().owed()).isEmpty();
    List<Message> delivered = new ArrayList<>();
    for (int attempt = 0; attempt < 3 && delivered.isEmpty(); attempt++) {
      delivered.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages());
    }
    assertThat(delivered).singleElement().satisfies(m -> assertThat(JSON.readTree(m.body()).get("Subject").asText())
        .isEqualTo(owedSubject));
  }

  @Override
  public void close() {
    stub.close();
    dynamo.close();
    sns.close();
    sqs.close();
  }
}
