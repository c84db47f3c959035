package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
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

  static final Path JAR = Path.of("target", "canary-health-check-lambda.jar");

  static List<String> files() throws IOException {
    assertThat(JAR).exists();
    return TrimmedJar.entries(JAR);
  }

  static Path root() {
    return Path.of(System.getProperty("canary.root", "../.."));
  }

  @Test
  void holdsTheHandlerAndItsServicesButNoTestOrUnusedHttpLibraries() throws IOException {
    List<String> names = files();
    assertThat(names).contains("io/llmcanary/health/HealthCheckHandler.class",
        "io/llmcanary/core/health/HealthCheck.class", "io/llmcanary/aws/cloudwatch/CloudWatchMetricsQuery.class",
        "io/llmcanary/aws/appconfig/AppConfigConfigPublisher.class", "rollout-config.schema.json");
    assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/services/cloudwatch/"));
    assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/services/appconfig/"));
    assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/http/urlconnection/"));
    assertThat(names).noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache"));
    assertThat(names).noneMatch(n -> n.startsWith("io/netty/"));
    assertThat(names).noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("org/testcontainers/")
        || n.startsWith("com/github/tomakehurst/") || n.startsWith("io/llmcanary/testing/"));
    assertThat(names).noneMatch(n -> n.startsWith("software/amazon/awssdk/services/sqs/")
        || n.startsWith("software/amazon/awssdk/services/bedrockruntime/"));
  }

  @Test
  void holdsNoYamlSupportNoEventClassesAndNoVersionedClassesItWouldNeverLoad() throws IOException {
    // The event is a plain Map: aws-lambda-java-events is not used at all.
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
   * The trimmed jar still works on its own: in a class loader that sees only the jar (and the JDK), the handler is
   * wired from its environment as in Lambda (all five SDK clients) and runs a scheduled check against moto
   * (DynamoDB, SNS) and a loopback stub for what moto lacks (AppConfig hosted config reads, CloudWatch
   * GetMetricData): it reads the config through the JSON Schema, judges an active rollout on no data, and resumes a
   * rolled-back one that still owes its alert. A class the trimming removed but the code needs would fail here.
   */
  @Nested
  @AwsIntegrationTest
  class TheJarAlone {

    static final String APP = "support-chat";

    @Test
    void runsTheScheduledCheckWiredFromTheEnvironment(AwsEndpoint aws) throws Exception {
      assumeTrue(System.getenv("AWS_ENDPOINT_URL") == null, "AWS_ENDPOINT_URL would override the stub's endpoints");
      String suffix = UUID.randomUUID().toString();
      String table = "jar-" + suffix;
      // The example config as its rollback left it: canary at 0% (the reconciler would correct anything more).
      ObjectNode doc = (ObjectNode) JSON.readTree(
          Files.readString(root().resolve("infrastructure/appconfig/rollout-config.example.json")));
      doc.put("canaryPercent", 0);
      String config = doc.toString();
      String rolledBack = doc.get("rolloutId").asText();
      Instant now = Instant.now();
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

        // The config's rollout, rolled back an hour ago by a run that could not page; another application's
        // rollout, two hours into its first stage.
        Instant hourAgo = now.minus(Duration.ofHours(1));
        List<OwedStep> owed = List.of(new OwedStep.SendAlert(new Alert(Alert.Kind.ROLLBACK, APP, rolledBack,
            "[llm-canary] jar probe rollback", "rolled back by the jar probe")));
        store.create(new RolloutState(APP, rolledBack, RolloutStatus.ROLLED_BACK, StagePlan.DEFAULT, 0, 2, hourAgo,
            hourAgo, hourAgo, null, null, "health check: regression", owed));
        store.create(RolloutState.start("other-app", "active-" + suffix, StagePlan.DEFAULT,
            now.minus(Duration.ofHours(2)), null));

        Map<String, String> env = new HashMap<>();
        env.put("ROLLOUT_TABLE", table);
        env.put("ALERT_TOPIC_ARN", topicArn);
        env.put("APPCONFIG_APPLICATION_ID", "app1234");
        env.put("APPCONFIG_ENVIRONMENT_ID", "env1234");
        env.put("APPCONFIG_PROFILE_ID", "prof123");
        env.put("APPCONFIG_DEPLOYMENT_STRATEGY_ID", "imm1234");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "llm-canary-health-check");
        env.put("AWS_REGION", aws.region().id());
        Map<String, Object> event = JSON.readValue(root().resolve("events/health-check-scheduled.json").toFile(),
            new TypeReference<Map<String, Object>>() {});
        ObjectNode bad = (ObjectNode) JSON.readTree(config);
        ((ObjectNode) bad.get("versions").get("canary")).put("systemPromt", "misspelt");

        // The handler's own code reads the region from AWS_REGION (set for failsafe in the pom); endpoints and
        // credentials reach the jar's SDK through its system properties.
        Map<?, ?> out = (Map<?, ?>) SystemProperties.with(Map.of(
            "aws.endpointUrlDynamoDb", aws.uri().toString(), "aws.endpointUrlSns", aws.uri().toString(),
            "aws.endpointUrlSfn", aws.uri().toString(), "aws.endpointUrlAppConfig", stub.uri().toString(),
            "aws.endpointUrlCloudWatch", stub.uri().toString(),
            "aws.accessKeyId", "testing", "aws.secretAccessKey", "testing"), () -> {
              try (JarOnlyClassLoader isolated = new JarOnlyClassLoader(JAR, JarProbe.class)) {
                return isolated.call(JarProbe.class, "run", env, event, bad.toString());
              }
            });

        assertThat(out.get("isolated")).isEqualTo(true);
        assertThat((String) out.get("badConfig")).contains("versions.canary.systemPromt");
        JsonNode response = JSON.valueToTree(out.get("response"));
        assertThat(response.get("failed").asBoolean()).as(response.toString()).isFalse();
        List<String> actions = new ArrayList<>();
        response.get("rollouts").forEach(r -> actions.add(r.get("application").asText() + " "
            + r.get("action").asText() + " " + (r.path("verdict").isTextual() ? r.get("verdict").asText() : "-")));
        assertThat(actions).as(response.toString())
            .containsExactlyInAnyOrder("support-chat RESUMED -", "other-app JUDGED INCONCLUSIVE");
        // Judged on CloudWatch's answer (no data), not on a failed call.
        response.get("rollouts").forEach(r -> assertThat(r.get("reason").asText()).doesNotContain("unavailable"));
        // One line per rollout, the reconciler's line, and the run's EMF signals line.
        assertThat(((String) out.get("log")).lines()).hasSize(4).allSatisfy(l -> JSON.readTree(l));
        assertThat(((String) out.get("log")).lines().filter(l -> l.startsWith("{\"_aws\""))).singleElement()
            .satisfies(l -> assertThat(JSON.readTree(l).get("RolloutsJudged").asInt()).isEqualTo(1));

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
            .isEqualTo("[llm-canary] jar probe rollback"));
      }
    }
  }
}
