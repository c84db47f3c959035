package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher.AlertDeliveryException;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Publishes to a real (emulated) topic and reads what SNS delivered to a subscribed SQS queue. */
@AwsIntegrationTest
class SnsAlertPublisherIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SnsClient sns;
  private static SqsClient sqs;

  private String topicArn;
  private String queueUrl;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    sns = aws.client(SnsClient.builder());
    sqs = aws.client(SqsClient.builder());
  }

  @AfterAll
  static void close() {
    sns.close();
    sqs.close();
  }

  @BeforeEach
  void topicWithQueue() {
    String name = "alerts-" + UUID.randomUUID();
    topicArn = sns.createTopic(b -> b.name(name)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    // Not raw delivery: the SNS envelope carries the subject and the message attributes.
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
  }

  /** The SNS envelopes the queue received, waiting up to a few seconds for the first. */
  private List<JsonNode> delivered() throws Exception {
    List<JsonNode> envelopes = new ArrayList<>();
    for (int attempt = 0; attempt < 5 && envelopes.isEmpty(); attempt++) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        envelopes.add(JSON.readTree(m.body()));
      }
    }
    return envelopes;
  }

  @Test
  void a_published_alert_arrives_with_its_subject_body_and_attributes() throws Exception {
    Alert alert = new Alert(Alert.Kind.ROLLBACK, "chat", "concise-2026-11-26",
        "Rolled back chat/concise-2026-11-26: quality -10.3%",
        "Metric  Stable  Canary  Diff\navg_quality  0.870  0.780  -10.3%\n");

    new SnsAlertPublisher(sns, topicArn).publish(alert);

    List<JsonNode> envelopes = delivered();
    assertThat(envelopes).hasSize(1);
    JsonNode envelope = envelopes.get(0);
    assertThat(envelope.path("TopicArn").asText()).isEqualTo(topicArn);
    assertThat(envelope.path("Subject").asText()).isEqualTo("Rolled back chat/concise-2026-11-26: quality -10.3%");
    assertThat(envelope.path("Message").asText()).isEqualTo(alert.body());
    JsonNode attributes = envelope.path("MessageAttributes");
    assertThat(attributes.path("kind").path("Type").asText()).isEqualTo("String");
    assertThat(attributes.path("kind").path("Value").asText()).isEqualTo("ROLLBACK");
    assertThat(attributes.path("application").path("Value").asText()).isEqualTo("chat");
    assertThat(attributes.path("rollout").path("Value").asText()).isEqualTo("concise-2026-11-26");
  }

  @Test
  void a_long_multiline_subject_is_delivered_cut_to_100_characters() throws Exception {
    String longSubject = "Approval needed for chat/" + "very-long-rollout-id-".repeat(8) + "\nsecond line";
    Alert alert = new Alert(Alert.Kind.APPROVAL_NEEDED, "chat", "r1", longSubject, "approve with ./canaryctl approve r1");

    new SnsAlertPublisher(sns, topicArn).publish(alert);

    String subject = delivered().get(0).path("Subject").asText();
    assertThat(subject).hasSize(100).startsWith("Approval needed for chat/very-long-rollout-id-").endsWith("...")
        .doesNotContain("\n");
  }

  @Test
  void publishing_to_a_missing_topic_raises_alert_delivery_exception() {
    String missing = topicArn + "-deleted";
    Alert alert = new Alert(Alert.Kind.ROLLBACK, "chat", "r1", "Rolled back", "details");

    assertThatThrownBy(() -> new SnsAlertPublisher(sns, missing).publish(alert))
        .isInstanceOf(AlertDeliveryException.class)
        .hasMessageContaining("ROLLBACK").hasMessageContaining("r1").hasMessageContaining(missing)
        .hasCauseInstanceOf(SnsException.class);
  }
}
