package io.llmcanary.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.codec.JudgeTaskCodec;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The hand-off against a real (emulated) queue: send, batch receive, read back; a queue that is down. */
@AwsIntegrationTest
class SqsJudgeHandoffIT {

  private static SqsClient sqs;

  @BeforeAll
  static void client(AwsEndpoint aws) {
    sqs = aws.client(SqsClient.builder());
  }

  @AfterAll
  static void close() {
    sqs.close();
  }

  static JudgeTask task(String id, Variant v) {
    return new JudgeTask(id, "chat", "concise-2026-11-26", v, new QualityJudgeConfig("pairwise", 0.75, 600, null, null),
        List.of(new ChatMessage("user", "What is a canary release?"),
            new ChatMessage("assistant", "A staged release."), new ChatMessage("user", "And why?")),
        "To limit the blast radius of a bad change.",
        new VersionSpec("m-s", "bedrock", "You are a helpful assistant.", List.of(), 0.7, 512));
  }

  @Test
  void handedOffTasksArriveInOneBatchReceiveAndReadBackWhole() {
    String queueUrl = sqs.createQueue(b -> b.queueName("judge-" + UUID.randomUUID())).queueUrl();
    SqsJudgeHandoff handoff = new SqsJudgeHandoff(sqs, queueUrl, Duration.ofSeconds(2));
    for (int i = 0; i < 3; i++) {
      handoff.handOff(task("req-" + i, Variant.CANARY));
    }

    List<Message> received = new ArrayList<>();
    for (int attempt = 0; attempt < 5 && received.size() < 3; attempt++) {
      received.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
          .messageAttributeNames("All")).messages());
    }
    assertThat(received).hasSize(3);
    assertThat(received).extracting(m -> JudgeTaskCodec.read(m.body()).requestId())
        .containsExactlyInAnyOrder("req-0", "req-1", "req-2");
    JudgeTask back = JudgeTaskCodec.read(received.get(0).body());
    JudgeTask sent = task(back.requestId(), Variant.CANARY);
    assertThat(back).isEqualTo(sent);
    assertThat(received.get(0).messageAttributes().get("version").stringValue()).isEqualTo("canary");
    assertThat(received.get(0).messageAttributes().get("rolloutId").stringValue()).isEqualTo("concise-2026-11-26");
  }

  @Test
  void aMissingQueueIsAFailedHandOffThatNamesNoText() {
    SqsJudgeHandoff handoff = new SqsJudgeHandoff(sqs, sqs.getQueueUrl(b -> b.queueName(
        sqs.createQueue(c -> c.queueName("gone-" + UUID.randomUUID())).queueUrl().replaceAll(".*/", ""))).queueUrl()
        + "-missing", Duration.ofSeconds(2));
    assertThatThrownBy(() -> handoff.handOff(task("req-x", Variant.CANARY)))
        .isInstanceOf(SqsJudgeHandoff.HandoffFailedException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("canary release").doesNotContain("blast radius"));
  }

  @Test
  void anUnreachableQueueFailsWithinTheHandOffsBound() {
    SqsClient down = SqsClient.builder().endpointOverride(URI.create("http://10.255.255.1:9"))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build();
    SqsJudgeHandoff handoff = new SqsJudgeHandoff(down, "http://10.255.255.1:9/000000000000/judge",
        Duration.ofMillis(100));
    long start = System.nanoTime();
    assertThatThrownBy(() -> handoff.handOff(task("req-y", Variant.CANARY)))
        .isInstanceOf(SqsJudgeHandoff.HandoffFailedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
    down.close();
  }
}
