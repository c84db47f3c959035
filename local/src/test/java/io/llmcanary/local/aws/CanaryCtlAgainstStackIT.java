package io.llmcanary.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.NaiveSeedPolicy;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.local.CanaryCtl;
import io.llmcanary.local.cli.RemoteClients;
import io.llmcanary.promotion.PromotionFunction;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.CborToJsonBridge;
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
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StatisticSet;

/**
 * canaryctl against a deployed stack: the stack is created in the emulator's CloudFormation with the template's
 * outputs (ApiUrl, ApplicationName, the rollout table, the promotion state machine, the alert topic, MetricsNamespace
 * and QualityJudgeCallPriceUsd), ApiUrl pointing at a local front that checks SigV4 with the SDK's signer and serves
 * the real promotion function. Each command goes CLI → DescribeStacks → signed request → handler; compare and the
 * judge-cost line of status also read the emulator's CloudWatch (GetMetricData), where the test has put per-version
 * metrics with the dimensions the proxy's EMF lines have.
 *
 * <p>What the emulator can show: moto computes counts and sums but no percentiles (a {@code p95} query over data
 * answers 500; the CBOR bridge answers those with no data points), so the {@code p95_latency} row has no values and
 * is INCONCLUSIVE here, which also keeps the whole verdict from being HEALTHY. Every other row is judged on the
 * sums moto returns. The rollouts' clock runs three hours behind, so that a just-started rollout has three hours of
 * metrics in its stage.
 */
@AwsIntegrationTest
class CanaryCtlAgainstStackIT {

  static final String APP = "support-chat";
  static final SigV4Front.Caller ALICE = new SigV4Front.Caller("AKIAALICEEXAMPLE", "alice-secret",
      "arn:aws:iam::123456789012:user/alice");

  /** How far behind the wall clock the promotion function's clock runs: the stage's age when a test starts it. */
  static final Duration STAGE_AGE = Duration.ofHours(3);
  static final String JUDGE_CALL_PRICE = "0.001";

  private final InMemoryRolloutStore store = new InMemoryRolloutStore();
  private CborToJsonBridge bridge;
  private CloudWatchClient cloudWatch;
  private String namespace;
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
        null, () -> Instant.now().minus(STAGE_AGE));
    PromotionFunction function = new PromotionFunction(new Promotion(ports, new ApprovalChannels("us-east-1",
        "arn:aws:states:us-east-1:123456789012:stateMachine:approve", "https://abc.execute-api.us-east-1.amazonaws.com",
        null)), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    front = new SigV4Front(function, List.of(ALICE));

    stack = "llm-canary-" + UUID.randomUUID().toString().substring(0, 8);
    // one namespace per test; moto ignores the namespace of a query with dimensions, so rollout ids are unique too
    namespace = "LlmCanaryIT-" + UUID.randomUUID().toString().substring(0, 8);
    String template = """
        {"Resources": {
           "AlertTopic": {"Type": "AWS::SNS::Topic"},
           "RolloutTable": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PAY_PER_REQUEST",
             "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                      {"AttributeName": "sk", "AttributeType": "S"}],
             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}},
           "PromotionStateMachine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
             "StateMachineName": "%1$s-promotion", "RoleArn": "arn:aws:iam::123456789012:role/promotion",
             "DefinitionString": "{\\"StartAt\\": \\"Done\\", \\"States\\": {\\"Done\\": {\\"Type\\": \\"Succeed\\"}}}"}}},
         "Outputs": {"ApiUrl": {"Value": "%2$s"}, "ApplicationName": {"Value": "%3$s"},
                     "AlertTopicArn": {"Value": {"Ref": "AlertTopic"}},
                     "RolloutTableName": {"Value": {"Ref": "RolloutTable"}},
                     "PromotionStateMachineArn": {"Value": {"Ref": "PromotionStateMachine"}},
                     "MetricsNamespace": {"Value": "%4$s"},
                     "QualityJudgeCallPriceUsd": {"Value": "%5$s"}}}""".formatted(stack, front.uri(), APP, namespace,
        JUDGE_CALL_PRICE);
    try (CloudFormationClient cfn = aws.client(CloudFormationClient.builder())) {
      cfn.createStack(r -> r.stackName(stack).templateBody(template));
    }
    bridge = new CborToJsonBridge(aws.uri());
    cloudWatch = aws.configure(CloudWatchClient.builder()).endpointOverride(bridge.uri()).build();
    ctl = new CanaryCtl(RemoteClients.of(region -> aws.client(CloudFormationClient.builder()),
        region -> aws.configure(CloudWatchClient.builder()).endpointOverride(bridge.uri()).build(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ALICE.accessKey(), ALICE.secret())),
        aws.region().id(), root));
  }

  @AfterEach
  void stop() {
    front.close();
    cloudWatch.close();
    bridge.close();
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

  // ---- metrics as the proxy's EMF lines and the quality judge's leave them in CloudWatch ----

  /** One 5-minute bucket of one version, as CloudWatch aggregates it (statistic sets: counts and sums). */
  record Bucket(long requests, long errors, double costPerRequest, long ratings, double ratingSum, long grades,
      double gradeSum, long comparisons, double preferenceSum, double preferenceSquares) {}

  /** Stable: 100 requests a bucket, 1 error, $0.004 each, 30 ratings of mean 0.85, 10 judge grades of 0.85. */
  static final Bucket STABLE = new Bucket(100, 1, 0.004, 30, 25.5, 10, 8.5, 0, 0, 0);
  /** Canary quality dropped: ratings and grades at 0.55, preferred in a third of the pairwise comparisons. */
  static final Bucket CANARY_WORSE = new Bucket(20, 0, 0.004, 6, 3.3, 2, 1.1, 3, 1.0, 0.5);
  static final int BUCKETS = (int) (STAGE_AGE.toMinutes() / 5);

  private void putMetrics(String rolloutId, Instant stageStartedAt) {
    List<MetricDatum> data = new ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      // inside the i-th 5-minute period of the stage, never in the still-filling current minute
      Instant at = stageStartedAt.plus(Duration.ofMinutes(5L * i + 2));
      data.addAll(bucket(rolloutId, "stable", STABLE, at));
      data.addAll(bucket(rolloutId, "canary", CANARY_WORSE, at));
    }
    for (int i = 0; i < data.size(); i += 500) {
      List<MetricDatum> batch = data.subList(i, Math.min(data.size(), i + 500));
      cloudWatch.putMetricData(b -> b.namespace(namespace).metricData(batch));
    }
  }

  private static List<MetricDatum> bucket(String rolloutId, String version, Bucket b, Instant at) {
    List<MetricDatum> d = new ArrayList<>();
    d.add(stat(rolloutId, version, "Requests", StandardUnit.COUNT, b.requests(), b.requests(), 1, 1, at));
    d.add(stat(rolloutId, version, "Errors", StandardUnit.COUNT, b.requests(), b.errors(), 0, b.errors() > 0 ? 1 : 0,
        at));
    d.add(stat(rolloutId, version, "CheckFailures", StandardUnit.COUNT, b.requests(), 0, 0, 0, at));
    d.add(stat(rolloutId, version, "Latency", StandardUnit.MILLISECONDS, b.requests(), b.requests() * 1200.0, 800,
        2400, at));
    d.add(stat(rolloutId, version, "Cost", StandardUnit.NONE, b.requests(), b.requests() * b.costPerRequest(),
        b.costPerRequest(), b.costPerRequest(), at));
    d.add(stat(rolloutId, version, "Quality", StandardUnit.NONE, b.ratings(), b.ratingSum(), 0, 1, at));
    d.add(stat(rolloutId, version, "JudgeScore", StandardUnit.NONE, b.grades(), b.gradeSum(), 0, 1, at));
    if (b.comparisons() > 0) {
      d.add(stat(rolloutId, version, "Preference", StandardUnit.NONE, b.comparisons(), b.preferenceSum(), 0, 1, at));
      d.add(stat(rolloutId, version, "PreferenceSquares", StandardUnit.NONE, b.comparisons(), b.preferenceSquares(),
          0, 1, at));
    }
    return d;
  }

  private static MetricDatum stat(String rolloutId, String version, String name, StandardUnit unit, long count,
      double sum, double min, double max, Instant at) {
    return MetricDatum.builder().metricName(name).unit(unit).timestamp(at)
        .statisticValues(StatisticSet.builder().sampleCount((double) count).sum(sum).minimum(min).maximum(max).build())
        .dimensions(Dimension.builder().name("Application").value(APP).build(),
            Dimension.builder().name("Rollout").value(rolloutId).build(),
            Dimension.builder().name("Version").value(version).build())
        .build();
  }

  private String startWithMetrics(String prefix) {
    String id = start(prefix + "-" + UUID.randomUUID().toString().substring(0, 6));
    putMetrics(id, store.get(APP, id).orElseThrow().stageStartedAt());
    return id;
  }

  private static JsonNode row(JsonNode compare, String metric) {
    for (JsonNode r : compare.path("rows")) {
      if (r.path("metric").asText().equals(metric)) {
        return r;
      }
    }
    throw new AssertionError("no row " + metric + " in " + compare.path("table").asText());
  }

  @Test
  void replayRunsTheRecordedChecksAgainOnCloudWatchWithTheRolloutsOrOtherGuardrails() throws IOException {
    String id = startWithMetrics("rp");
    RolloutState s = store.get(APP, id).orElseThrow();
    // three health-check runs an hour apart, as the audit trail keeps them (they saw too little then)
    for (int h = 1; h <= 3; h++) {
      store.append(AuditEvent.judged(s, s.stageStartedAt().plus(Duration.ofHours(h)).minusSeconds(30),
          "health-check", "VERDICT", Outcome.INCONCLUSIVE, "not yet conclusive", null));
    }

    assertThat(run("replay", id, "--json")).as(errText()).isZero();
    JsonNode r = json();
    assertThat(r.path("source").asText()).contains("CloudWatch " + namespace).contains("stack " + stack);
    assertThat(r.path("guardrailsFrom").asText()).isEqualTo("the rollout's own (deployed config)");
    assertThat(r.path("recorded").asInt()).isEqualTo(3);
    JsonNode first = r.path("checks").get(0);
    assertThat(first.path("windowFrom").asText()).isEqualTo(s.stageStartedAt().toString());
    assertThat(first.path("recorded").asText()).isEqualTo("INCONCLUSIVE");
    // canary's ratings at 0.55 against 0.85: the health check's own query and judge would have rolled back
    assertThat(r.path("rollback").path("outcome").asText()).isEqualTo("REGRESSION");
    assertThat(r.path("rollback").path("table").asText()).contains("avg_quality");
    assertThat(r.path("differing").asInt()).isEqualTo(r.path("replayed").asInt());

    // guardrails that allow a 50% drop of every quality source: no quality row rolls back, on any check
    Path loose = root.resolve("loose.json");
    Files.writeString(loose, "{\"rollbackQualityRatio\": 0.5, \"rollbackJudgeScoreRatio\": 0.5,"
        + " \"rollbackPreference\": 0.1}");
    assertThat(run("replay", id, "--guardrails", loose.toString(), "--json")).as(errText()).isZero();
    JsonNode l = json();
    assertThat(l.path("rollback").isNull()).isTrue();
    assertThat(l.path("replayed").asInt()).isEqualTo(3);

    // the text form, and a rollout the stack does not know
    assertThat(run("replay", id)).as(errText()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Replay of " + id).contains("would have rolled back at"
        + " check ");
    assertThat(run("replay", "nope")).isEqualTo(1);
    assertThat(errText()).contains("refused (404)");
  }

  @Test
  void compareJudgesTheLiveMetricsSinceTheStageBeganAsTheHealthCheckWouldWithoutActing() throws IOException {
    String id = startWithMetrics("c");

    assertThat(run("compare", id, "--json")).as(errText()).isZero();
    JsonNode c = json();
    assertThat(c.path("rolloutId").asText()).isEqualTo(id);
    assertThat(c.path("namespace").asText()).isEqualTo(namespace);
    assertThat(c.path("window").path("basis").asText()).contains("since the stage began");
    assertThat(c.path("guardrailsFrom").asText()).isEqualTo("deployed config");
    assertThat(c.path("requests").path("stable").asLong()).isEqualTo(BUCKETS * STABLE.requests());
    assertThat(c.path("requests").path("canary").asLong()).isEqualTo(BUCKETS * CANARY_WORSE.requests());
    JsonNode quality = row(c, "avg_quality");
    assertThat(quality.path("stable").asDouble()).isCloseTo(0.85, within(1e-9));
    assertThat(quality.path("canary").asDouble()).isCloseTo(0.55, within(1e-9));
    assertThat(quality.path("canarySamples").asLong()).isEqualTo(BUCKETS * CANARY_WORSE.ratings());
    assertThat(quality.path("result").asText()).isEqualTo("REGRESSION");
    assertThat(c.path("outcome").asText()).isEqualTo("REGRESSION");
    // moto computes no percentiles: the p95 row has no values and cannot be judged, which is what it says
    JsonNode p95 = row(c, "p95_latency");
    assertThat(p95.path("stable").isNull()).isTrue();
    assertThat(p95.path("canary").isNull()).isTrue();
    assertThat(p95.path("result").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(c.path("table").asText()).contains("avg_quality").contains("p95_latency").contains("n/a");
    // compare only looks: the rollout is still running at its stage
    assertThat(store.get(APP, id).orElseThrow().status()).isEqualTo(RolloutStatus.RUNNING);

    assertThat(run("compare", id)).as(errText()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(id).contains("window:")
        .contains("requests: stable " + BUCKETS * STABLE.requests()).contains("verdict (the health check's rollback"
            + " check): REGRESSION").contains("avg_quality").contains("Threshold");

    // the last hour: 12 of the 36 buckets
    assertThat(run("compare", id, "--hours", "1", "--json")).as(errText()).isZero();
    JsonNode h = json();
    assertThat(h.path("window").path("basis").asText()).isEqualTo("the last 1 hours");
    assertThat(h.path("requests").path("stable").asLong()).isBetween(11 * STABLE.requests(), 12 * STABLE.requests());
    assertThat(h.path("requests").path("stable").asLong()).isLessThan(BUCKETS * STABLE.requests());

    // without an id: the single active rollout
    assertThat(run("compare", "--json")).as(errText()).isZero();
    assertThat(json().path("rolloutId").asText()).isEqualTo(id);
  }

  @Test
  void statusWithoutAnIdListsTheRolloutsAndShowsTheOneActiveAsStatusRolloutDoes() throws IOException {
    assertThat(run("status")).as(errText()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("no active rollout").contains("./canaryctl start");

    String id = start("s-" + UUID.randomUUID().toString().substring(0, 6));
    assertThat(run("status", "--json")).as(errText()).isZero();
    assertThat(json().path("rolloutId").asText()).isEqualTo(id);
    assertThat(json().path("waitingFor").asText()).contains("end of stage 1");

    assertThat(run("rollback", id, "--reason", "done looking")).as(errText()).isZero();
    assertThat(run("status", "--json")).as(errText()).isZero();
    JsonNode list = json();
    assertThat(list.path("active").asInt()).isZero();
    assertThat(list.path("rollouts")).singleElement().satisfies(r -> {
      assertThat(r.path("rolloutId").asText()).isEqualTo(id);
      assertThat(r.path("status").asText()).isEqualTo("ROLLED_BACK");
      assertThat(r.path("ended").asBoolean()).isTrue();
    });
    assertThat(run("status")).as(errText()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("no active rollout").contains(id)
        .contains("ROLLED_BACK").contains("./canaryctl status ROLLOUT");
  }

  @Test
  void statusShowsTheJudgedAnswersSinceTheRolloutStartedAtTheStacksPricePerCall() throws IOException {
    String id = startWithMetrics("j");
    long absolute = BUCKETS * (STABLE.grades() + CANARY_WORSE.grades());
    long pairwise = BUCKETS * CANARY_WORSE.comparisons();
    double price = Double.parseDouble(JUDGE_CALL_PRICE);
    double calls = (absolute + 2 * pairwise) * price;
    double shadow = pairwise * STABLE.costPerRequest();

    assertThat(run("status", id, "--json")).as(errText()).isZero();
    JsonNode j = json().path("qualityJudge");
    assertThat(j.path("answersJudged").asLong()).isEqualTo(absolute + pairwise);
    assertThat(j.path("judgeCalls").asLong()).isEqualTo(absolute + 2 * pairwise);
    assertThat(j.path("pricePerCallUsd").asDouble()).isEqualTo(price);
    assertThat(j.path("priceFrom").asText()).contains("QualityJudgeCallPriceUsd");
    assertThat(j.path("judgeCallsUsd").asDouble()).isCloseTo(calls, within(1e-9));
    assertThat(j.path("shadowAnswersUsd").asDouble()).isCloseTo(shadow, within(1e-9));
    assertThat(j.path("totalUsd").asDouble()).isCloseTo(calls + shadow, within(1e-9));

    assertThat(run("status", id)).as(errText()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("quality judge: " + (absolute + pairwise)
        + " answers judged").contains(String.format(java.util.Locale.ROOT, "≈ $%.2f", calls + shadow))
        .contains("the stack's QualityJudgeCallPriceUsd");

    assertThat(run("status", id, "--judge-call-price", "0.002", "--json")).as(errText()).isZero();
    assertThat(json().path("qualityJudge").path("judgeCallsUsd").asDouble())
        .isCloseTo((absolute + 2 * pairwise) * 0.002, within(1e-9));
  }

  @Test
  void compareRefusesAnUnknownRolloutAndNoActiveOneNamingWhatToDoAndJudgesAnEndedOnesLastStage()
      throws IOException {
    assertThat(run("compare", "nope")).isEqualTo(1);
    assertThat(errText()).contains("refused (404)").contains("no rollout nope").contains("./canaryctl status");

    assertThat(run("compare")).isEqualTo(1);
    assertThat(errText()).contains("no active rollout").contains("./canaryctl compare ROLLOUT");

    String id = startWithMetrics("e");
    assertThat(run("rollback", id, "--reason", "stop")).as(errText()).isZero();
    assertThat(run("compare")).isEqualTo(1);
    assertThat(errText()).contains("no active rollout");
    assertThat(run("compare", id, "--json")).as(errText()).isZero();
    assertThat(json().path("status").asText()).isEqualTo("ROLLED_BACK");
    assertThat(json().path("window").path("basis").asText()).contains("until the rollout ended");

    assertThat(run("compare", id, "--hours", "0")).isEqualTo(2);
    assertThat(errText()).contains("--hours");
  }
}
