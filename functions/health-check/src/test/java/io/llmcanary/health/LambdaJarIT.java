package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.ConfigAndMetricsStub;
import io.llmcanary.testing.JarOnlyClassLoader;
import io.llmcanary.testing.SystemProperties;
import io.llmcanary.testing.TrimmedJar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

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
      String subject = "[llm-canary] jar probe rollback";
      try (ScheduledRunWorld world = new ScheduledRunWorld(aws, "jar-", subject)) {
        ConfigAndMetricsStub stub = world.stub;
        String table = world.table;
        String topicArn = world.topicArn;
        String config = world.config.toString();
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
        world.assertTheRunFinishedTheOwedPageAndJudgedTheOther(response, subject);
        // One line per rollout, the reconciler's line, and the run's EMF signals line.
        assertThat(((String) out.get("log")).lines()).hasSize(4).allSatisfy(l -> JSON.readTree(l));
        assertThat(((String) out.get("log")).lines().filter(l -> l.startsWith("{\"_aws\""))).singleElement()
            .satisfies(l -> assertThat(JSON.readTree(l).get("RolloutsJudged").asInt()).isEqualTo(1));
      }
    }
  }
}
