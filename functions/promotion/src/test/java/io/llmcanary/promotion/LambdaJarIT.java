package io.llmcanary.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.ConfigAndMetricsStub;
import io.llmcanary.testing.JarOnlyClassLoader;
import io.llmcanary.testing.SystemProperties;
import io.llmcanary.testing.TrimmedJar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The deployment jar (built in `package`, checked in `verify`): the handler and only the libraries it uses. */
class LambdaJarIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path JAR = Path.of("target", "canary-promotion-lambda.jar");

  static List<String> files() throws IOException {
    assertThat(JAR).exists();
    return TrimmedJar.entries(JAR);
  }

  @Test
  void holdsTheHandlerAndItsServicesButNoTestOrUnusedLibraries() throws IOException {
    List<String> names = files();
    assertThat(names).contains("io/llmcanary/promotion/PromotionHandler.class",
        "io/llmcanary/core/promotion/Promotion.class",
        "io/llmcanary/aws/stepfunctions/StepFunctionsApprovalGateway.class",
        "io/llmcanary/aws/appconfig/AppConfigConfigPublisher.class", "rollout-config.schema.json");
    for (String service : List.of("sfn", "dynamodb", "sns", "appconfig", "cloudwatch")) {
      assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/services/" + service + "/"));
    }
    assertThat(names).noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache") || n.startsWith("io/netty/"));
    assertThat(names).noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("org/testcontainers/")
        || n.startsWith("io/llmcanary/testing/") || n.startsWith("software/amazon/awssdk/services/sqs/")
        || n.startsWith("software/amazon/awssdk/services/bedrockruntime/") || n.startsWith("io/llmcanary/proxy/"));
  }

  @Test
  void holdsNoYamlSupportNoEventClassesAndNoVersionedClassesItWouldNeverLoad() throws IOException {
    // Events are read as JSON trees (RequestStreamHandler): aws-lambda-java-events is not used at all.
    assertThat(TrimmedJar.yamlVersionedSignedOrEventEntries(files())).isEmpty();
  }

  @Test
  void holdsNoAsyncClientsNoDynamoDbStreamsNoWarmUpProvidersAndNoChatProxyAdapters() throws IOException {
    List<String> names = files();
    assertThat(TrimmedJar.asyncStreamsWarmUpOrProxyAdapterEntries(names)).isEmpty();
    // What the function does use of the same services stays.
    assertThat(names).containsAll(TrimmedJar.BACK_END_CLIENTS);
  }

  @Test
  void everyServiceProviderItListsIsInTheJar() throws IOException {
    assertThat(TrimmedJar.missingServiceProviders(JAR)).isEmpty();
  }

  /**
   * The trimmed jar still works on its own: in a class loader that sees only the jar (and the JDK), the function is
   * wired from its environment as in Lambda (all five SDK clients) and the handler answers the sample events against
   * moto (DynamoDB, SNS) and a loopback stub for what moto lacks (AppConfig hosted config reads, CloudWatch
   * GetMetricData): a gate judged on no data, a start refused through the schema-checked config, a workflow failure
   * paged through SNS, the status route. A class the trimming removed but the code needs would fail here.
   */
  @Nested
  @AwsIntegrationTest
  class TheJarAlone {

    @Test
    void answersTheSampleEventsWiredFromTheEnvironment(AwsEndpoint aws) throws Exception {
      assumeTrue(System.getenv("AWS_ENDPOINT_URL") == null, "AWS_ENDPOINT_URL would override the stub's endpoints");
      String table = "jar-" + UUID.randomUUID();
      String config = Files.readString(Embedded.root().resolve("infrastructure/appconfig/rollout-config.example.json"));
      String app = JSON.readTree(config).get("application").asText();
      String rollout = JSON.readTree(config).get("rolloutId").asText();
      try (DynamoDbClient dynamo = aws.client(DynamoDbClient.builder()); SnsClient sns = aws.client(SnsClient.builder());
          SqsClient sqs = aws.client(SqsClient.builder());
          ConfigAndMetricsStub stub = ConfigAndMetricsStub.start(config)) {
        DynamoDbRolloutStore.createTable(dynamo, table);
        DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, table);
        String topicArn = sns.createTopic(b -> b.name(table)).topicArn();
        String queueUrl = sqs.createQueue(b -> b.queueName(table)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        // The sample events' rollout, two hours into its first stage.
        store.create(RolloutState.start(app, rollout, StagePlan.DEFAULT, Instant.now().minus(Duration.ofHours(2)),
            "arn:aws:states:us-east-1:123456789012:execution:llm-canary-promotion:" + rollout));

        Map<String, String> env = new HashMap<>();
        env.put("ROLLOUT_TABLE", table);
        env.put("ALERT_TOPIC_ARN", topicArn);
        env.put("APPCONFIG_APPLICATION_ID", "app1234");
        env.put("APPCONFIG_ENVIRONMENT_ID", "env1234");
        env.put("APPCONFIG_PROFILE_ID", "prof123");
        env.put("APPCONFIG_DEPLOYMENT_STRATEGY_ID", "imm1234");
        env.put("PROMOTION_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:llm-canary-promotion");
        List<String> events = new ArrayList<>();
        for (String name : List.of("promotion-gate", "promotion-api-start", "promotion-report-failure",
            "promotion-api-status")) {
          events.add(Files.readString(Embedded.root().resolve("events/" + name + ".json")));
        }
        ObjectNode bad = (ObjectNode) JSON.readTree(config);
        ((ObjectNode) bad.get("versions").get("canary")).put("systemPromt", "misspelt");

        // The SDK clients' region comes from AWS_REGION (set for failsafe in the pom); endpoints and credentials
        // reach the jar's SDK through its system properties.
        Map<?, ?> out = (Map<?, ?>) SystemProperties.with(Map.of(
            "aws.endpointUrlDynamoDb", aws.uri().toString(), "aws.endpointUrlSns", aws.uri().toString(),
            "aws.endpointUrlSfn", aws.uri().toString(), "aws.endpointUrlAppConfig", stub.uri().toString(),
            "aws.endpointUrlCloudWatch", stub.uri().toString(),
            "aws.accessKeyId", "testing", "aws.secretAccessKey", "testing"), () -> {
              try (JarOnlyClassLoader isolated = new JarOnlyClassLoader(JAR, JarProbe.class)) {
                return isolated.call(JarProbe.class, "run", env, events, bad.toString());
              }
            });

        assertThat(out.get("isolated")).isEqualTo(true);
        assertThat((String) out.get("badConfig")).contains("versions.canary.systemPromt");
        List<JsonNode> responses = new ArrayList<>();
        for (Object r : (List<?>) out.get("responses")) {
          responses.add(JSON.readTree((String) r));
        }
        JsonNode gate = responses.get(0);
        assertThat(gate.get("next").asText()).as(gate.toString()).isEqualTo("WAIT_AGAIN");
        assertThat(gate.get("outcome").asText()).isEqualTo("INCONCLUSIVE");
        JsonNode start = responses.get(1);
        assertThat(start.get("statusCode").asInt()).as(start.toString()).isEqualTo(409);
        assertThat(start.get("body").asText()).contains("is already active");
        JsonNode failure = responses.get(2);
        assertThat(failure.get("next").asText()).as(failure.toString()).isEqualTo("FAILED");
        JsonNode status = responses.get(3);
        assertThat(status.get("statusCode").asInt()).as(status.toString()).isEqualTo(200);
        JsonNode body = JSON.readTree(status.get("body").asText());
        assertThat(body.get("status").asText()).isEqualTo("RUNNING");
        List<String> history = new ArrayList<>();
        body.get("history").forEach(e -> history.add(e.get("type").asText()));
        assertThat(history).containsSubsequence("GATE", "WORKFLOW_FAILED");

        assertThat(stub.requests()).anyMatch(r -> r.startsWith("GET /applications/app1234/configurationprofiles/"
            + "prof123/hostedconfigurationversions/1"));
        assertThat(stub.requests()).anyMatch(r -> r.endsWith("/operation/GetMetricData"));
        List<Message> delivered = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && delivered.isEmpty(); attempt++) {
          delivered.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages());
        }
        assertThat(delivered).singleElement().satisfies(m -> assertThat(JSON.readTree(m.body()).get("Subject").asText())
            .startsWith("[llm-canary] Promotion workflow failed"));
      }
    }
  }
}
