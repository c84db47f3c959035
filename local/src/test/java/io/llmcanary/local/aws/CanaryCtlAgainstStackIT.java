package io.llmcanary.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.judge.NaiveSeedPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.local.CanaryCtl;
import io.llmcanary.local.cli.RemoteClients;
import io.llmcanary.promotion.PromotionFunction;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * canaryctl against a deployed stack: the stack is created in the emulator's CloudFormation with the template's
 * outputs (ApiUrl, ApplicationName), ApiUrl pointing at a local front that checks SigV4 with the SDK's signer and
 * serves the real promotion function. Each command goes CLI → DescribeStacks → signed request → handler.
 */
@AwsIntegrationTest
class CanaryCtlAgainstStackIT {

  static final String APP = "support-chat";
  static final SigV4Front.Caller ALICE = new SigV4Front.Caller("AKIAALICEEXAMPLE", "alice-secret",
      "arn:aws:iam::123456789012:user/alice");

  private final InMemoryRolloutStore store = new InMemoryRolloutStore();
  private final RecordingAlertPublisher alerts = new RecordingAlertPublisher();
  private SigV4Front front;
  private String stack;
  private CanaryCtl ctl;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path root;

  static Path repo() {
    return Path.of(System.getProperty("canary.root", ".."));
  }

  static RolloutConfig baseline() throws IOException {
    ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(
        Files.readString(repo().resolve("infrastructure/appconfig/rollout-config.example.json")));
    ((ObjectNode) doc.get("versions")).remove("canary");
    doc.put("canaryPercent", 0).put("rolloutId", "baseline").put("application", APP);
    return RolloutConfigCodec.parseOrThrow(doc.toString());
  }

  @BeforeEach
  void deploy(AwsEndpoint aws) throws IOException {
    MetricsQuery none = (app, id, from, to) ->
        new JudgeInput(WindowStats.empty(from, to), WindowStats.empty(to.minus(Duration.ofHours(1)), to));
    PromotionPorts ports = new PromotionPorts(store, new InMemoryConfigStore(baseline()), none, new NaiveSeedPolicy(),
        alerts, new RecordingApprovalGateway(), (a, id) -> "arn:aws:states:us-east-1:123456789012:execution:llm-canary-promotion:" + id,
        null, Instant::now);
    PromotionFunction function = new PromotionFunction(new Promotion(ports, new ApprovalChannels("us-east-1",
        "arn:aws:states:us-east-1:123456789012:stateMachine:approve", "https://abc.execute-api.us-east-1.amazonaws.com",
        null)), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    front = new SigV4Front(function, List.of(ALICE));

    stack = "llm-canary-" + UUID.randomUUID().toString().substring(0, 8);
    String template = """
        {"Resources": {"AlertTopic": {"Type": "AWS::SNS::Topic"}},
         "Outputs": {"ApiUrl": {"Value": "%s"}, "ApplicationName": {"Value": "%s"},
                     "AlertTopicArn": {"Value": {"Ref": "AlertTopic"}}}}""".formatted(front.uri(), APP);
    try (CloudFormationClient cfn = aws.client(CloudFormationClient.builder())) {
      cfn.createStack(r -> r.stackName(stack).templateBody(template));
    }
    ctl = new CanaryCtl(RemoteClients.of(region -> aws.client(CloudFormationClient.builder()),
        region -> aws.client(CloudWatchClient.builder()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ALICE.accessKey(), ALICE.secret())),
        aws.region().id(), root));
  }

  @AfterEach
  void stop() {
    front.close();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--stack", stack));
    return ctl.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private JsonNode json() throws IOException {
    return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String start(String id) {
    assertThat(run("start", "--canary", repo().resolve("docs/canary-version.example.json").toString(), "--id", id,
        "--reason", "shorter answers")).as(errText()).isZero();
    return id;
  }

  @Test
  void startStatusAndARollbackByHandGoThroughTheSignedApiAsTheCallersIdentity() throws IOException {
    start("r1");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("r1").contains("RUNNING");
    assertThat(store.get(APP, "r1").orElseThrow().canaryPercent()).isEqualTo(5.0);

    assertThat(run("status", "r1", "--json")).as(errText()).isZero();
    JsonNode s = json();
    assertThat(s.path("status").asText()).isEqualTo("RUNNING");
    assertThat(s.path("stage").asInt()).isEqualTo(1);
    assertThat(s.path("canaryPercent").asDouble()).isEqualTo(5.0);
    assertThat(s.path("latestVerdict").isNull()).as("no gate or check has judged yet").isTrue();
    assertThat(s.path("waitingFor").asText()).contains("end of stage 1").contains("./canaryctl rollback r1");
    assertThat(s.path("consoleUrl").asText()).startsWith("https://us-east-1.console.aws.amazon.com/states/")
        .endsWith("execution:llm-canary-promotion:r1");

    assertThat(run("rollback", "r1", "--reason", "complaints from support")).as(errText()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("rolled back rollout r1");
    assertThat(store.get(APP, "r1").orElseThrow().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(store.get(APP, "r1").orElseThrow().canaryPercent()).isZero();
    assertThat(alerts.delivered()).extracting(Alert::kind).contains(Alert.Kind.ROLLBACK);
    assertThat(store.history(APP, "r1")).filteredOn(e -> "complaints from support".equals(e.reason()))
        .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo(ALICE.userArn()));

    assertThat(run("history", "r1", "--json")).as(errText()).isZero();
    JsonNode h = json();
    assertThat(h.path("rolloutId").asText()).isEqualTo("r1");
    assertThat(h.path("events").size()).isGreaterThanOrEqualTo(2);
    assertThat(h.path("events").findValuesAsText("actor")).contains(ALICE.userArn());
    assertThat(h.path("events").findValuesAsText("to")).contains("ROLLED_BACK");
  }

  @Test
  void refusalsExitOneWithAMessageNamingWhatToDo() throws IOException {
    assertThat(run("status", "nope")).isEqualTo(1);
    assertThat(errText()).contains("refused (404)").contains("no rollout nope").contains("./canaryctl status ROLLOUT");

    start("r2");
    assertThat(run("approve", "r2", "--reason", "looks fine")).isEqualTo(1);
    assertThat(errText()).contains("refused (409)").contains("r2");

    assertThat(run("rollback", "r2", "--reason", "stop")).isZero();
    assertThat(run("rollback", "r2", "--reason", "again", "--json")).isEqualTo(1);
    assertThat(json().path("applied").asBoolean()).isFalse();
    assertThat(json().path("message").asText()).contains("has ended already").contains("ROLLED_BACK");

    assertThat(run("rollback", "r2")).isEqualTo(2);
    assertThat(errText()).contains("--reason");
  }

  @Test
  void aStackThatDoesNotExistIsRefusedNamingHowToDeployOrGoLocal() {
    out.reset();
    err.reset();
    int code = ctl.run(List.of("status", "r1", "--stack", "no-such-stack"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(errText()).contains("no stack no-such-stack").contains("sam deploy").contains("--local");
  }

  @Test
  void theFrontRefusesUnsignedAndWronglySignedRequestsAndNothingChanges() throws Exception {
    start("r3");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(front.uri()
        + "/rollouts/r3/rollback?application=" + APP)).POST(HttpRequest.BodyPublishers.ofString(
        "{\"reason\": \"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(403);

    RolloutApi wrongSecret = new RolloutApi(front.uri(), "us-east-1",
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ALICE.accessKey(), "not-alices-secret")));
    RolloutApi.Response r = wrongSecret.post("/rollouts/r3/rollback", APP, Json.MAPPER.createObjectNode().put("reason", "x"));
    assertThat(r.status()).isEqualTo(403);

    RolloutApi rightSecret = new RolloutApi(front.uri(), "us-east-1",
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ALICE.accessKey(), ALICE.secret())));
    assertThat(rightSecret.get("/rollouts/r3", APP).status()).isEqualTo(200);
    assertThat(store.get(APP, "r3").orElseThrow().status()).isEqualTo(RolloutStatus.RUNNING);
  }
}
