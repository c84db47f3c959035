package io.llmcanary.promotion;

import static io.llmcanary.promotion.Embedded.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.aws.SnsAlertPublisher;
import io.llmcanary.aws.stepfunctions.StepFunctionsApprovalGateway;
import io.llmcanary.aws.stepfunctions.StepFunctionsWorkflowStarter;
import io.llmcanary.codec.Json;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.WorkflowRoutes;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.Transition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Both state machine definitions executed by a real ASL interpreter (moto's, with execute_state_machine on),
 * whose Lambda tasks run the promotion handler (see {@link LambdaFront}). The rollout state lives in
 * DynamoDB and alerts go through SNS, both in moto; approvals are sent with SendTaskSuccess/SendTaskFailure by
 * the handler's own gateway. AppConfig deployments and CloudWatch percentiles are not emulated by moto: the
 * config is in memory and the gate's verdicts are scripted (the judge is tested on its own).
 */
class PromotionStateMachineIT {

  private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:llm-canary-promotion";
  private static final Duration PATIENCE = Duration.ofSeconds(40);
  private static final AtomicReference<PromotionFunction> CURRENT = new AtomicReference<>();

  private static MotoWithLambda moto;
  private static DynamoDbClient dynamo;
  private static SnsClient sns;
  private static SqsClient sqs;
  private static SfnClient sfn;
  private static String promotionArn;
  private static String approveArn;

  private DynamoDbRolloutStore store;
  private InMemoryConfigStore configs;
  private Embedded.Scripted policy;
  private String queueUrl;
  private PromotionFunction function;
  private String topicArn;

  @BeforeAll
  static void moto() throws Exception {
    moto = MotoWithLambda.start(payload -> CURRENT.get().handle(payload));
    dynamo = client(DynamoDbClient.builder());
    sns = client(SnsClient.builder());
    sqs = client(SqsClient.builder());
    sfn = client(SfnClient.builder());
    promotionArn = createStateMachine("llm-canary-promotion", "promotion.asl.json");
    approveArn = createStateMachine("llm-canary-approve-promotion", "approve-promotion.asl.json");
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.close();
    }
  }

  private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B b) {
    return b.endpointOverride(moto.endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  /** Creates a state machine from its definition file, with the SAM substitution done as SAM would. */
  private static String createStateMachine(String name, String file) throws Exception {
    String definition = Files.readString(Embedded.root().resolve("infrastructure/statemachine").resolve(file))
        .replace("${PromotionFunctionArn}", FUNCTION_ARN);
    return sfn.createStateMachine(b -> b.name(name).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/llm-canary-promotion")).stateMachineArn();
  }

  @BeforeEach
  void rollout() {
    String table = "rollouts-" + UUID.randomUUID();
    DynamoDbRolloutStore.createTable(dynamo, table);
    store = new DynamoDbRolloutStore(dynamo, table);
    configs = new InMemoryConfigStore(Embedded.baseline());
    policy = new Embedded.Scripted();
    String name = "alerts-" + UUID.randomUUID();
    topicArn = sns.createTopic(b -> b.name(name)).topicArn();
    queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    wire(Map.of("stageSeconds", 1, "approvalTimeoutSeconds", 120));
  }

  /** The promotion function as deployed, but for AppConfig (in memory) and the judge's input (scripted). */
  private void wire(Map<String, Object> executionSettings) {
    PromotionPorts ports = new PromotionPorts(store, configs, Embedded.NO_METRICS, policy,
        new SnsAlertPublisher(sns, topicArn), new StepFunctionsApprovalGateway(sfn),
        new StepFunctionsWorkflowStarter(sfn, promotionArn, executionSettings), null, Clock.systemUTC());
    function = new PromotionFunction(new Promotion(ports, new ApprovalChannels("us-east-1", approveArn,
        "https://abc123.execute-api.us-east-1.amazonaws.com", null)),
        new io.llmcanary.aws.stepfunctions.StepFunctionsApprovalExecutions(sfn, approveArn),
        new PrintStream(new ByteArrayOutputStream()));
    CURRENT.set(function);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private String start() {
    String id = "it-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode ev = Embedded.event("promotion-start.json");
    ev.put("rolloutId", id);
    JsonNode r = Embedded.json(function.handle(ev.toString()));
    assertThat(r.path("applied").asBoolean()).as(r.toString()).isTrue();
    return id;
  }

  private RolloutState state(String id) {
    return store.get(APP, id).orElseThrow();
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private void awaitApprovalOf(String id, int stage) throws InterruptedException {
    await("rollout " + id + " waiting for approval of stage " + (stage + 1), () -> {
      RolloutState s = state(id);
      return s.status() == RolloutStatus.AWAITING_APPROVAL && s.stageIndex() == stage;
    });
  }

  private DescribeExecutionResponse finished(String id) throws InterruptedException {
    String arn = state(id).executionArn();
    AtomicReference<DescribeExecutionResponse> d = new AtomicReference<>();
    await("execution " + arn + " to end", () -> {
      d.set(sfn.describeExecution(b -> b.executionArn(arn)));
      return d.get().status() != ExecutionStatus.RUNNING;
    });
    return d.get();
  }

  private static List<HistoryEvent> history(String executionArn) {
    List<HistoryEvent> events = new ArrayList<>();
    sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn)).forEach(p -> events.addAll(p.events()));
    return events;
  }

  /** The workflow states the execution entered, in order (the Pass and Choice states left out). */
  private List<String> path(String id) {
    Set<String> workflowStates = Arrays.stream(WorkflowRoutes.State.values()).map(WorkflowRoutes.State::aslName)
        .collect(Collectors.toSet());
    return history(state(id).executionArn()).stream()
        .filter(e -> e.type().toString().endsWith("StateEntered"))
        .map(e -> e.stateEnteredEventDetails().name())
        .filter(workflowStates::contains)
        .toList();
  }

  private JsonNode decide(String id, String decision, String reason) {
    return Embedded.json(function.handle(Json.MAPPER.createObjectNode().put("action", "decide").put("application", APP)
        .put("rolloutId", id).put("decision", decision).put("reason", reason).put("actor", "cli:bob").toString()));
  }

  private DescribeExecutionResponse approvePromotion(String id, String decision) throws InterruptedException {
    String input = "{\"application\": \"" + APP + "\", \"rolloutId\": \"" + id + "\", \"decision\": \"" + decision
        + "\", \"reason\": \"from the console\"}";
    String arn = sfn.startExecution(b -> b.stateMachineArn(approveArn).name("decide-" + UUID.randomUUID()).input(input))
        .executionArn();
    AtomicReference<DescribeExecutionResponse> d = new AtomicReference<>();
    await("ApprovePromotion " + arn, () -> {
      d.set(sfn.describeExecution(b -> b.executionArn(arn)));
      return d.get().status() != ExecutionStatus.RUNNING;
    });
    return d.get();
  }

  /** The kinds of the alerts SNS delivered so far. */
  private List<String> alertKinds() {
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        kinds.add(Embedded.json(m.body()).path("MessageAttributes").path("kind").path("Value").asText());
      }
    }
    return kinds;
  }

  /** The same scenario through the in-process workflow, for its path. */
  private static List<String> inProcessPath(List<Outcome> gates, List<String> decisions) {
    Embedded e = new Embedded();
    e.policy.gates.addAll(gates);
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T09:00:00Z"));
    InProcessWorkflow wf = new InProcessWorkflow(new PromotionPorts(e.store, e.configs, Embedded.NO_METRICS, e.policy,
        e.alerts, e.tokens, null, null, now::get), ApprovalChannels.LOCAL,
        new InProcessWorkflow.Settings(Duration.ofSeconds(1), 2, Duration.ofSeconds(120)));
    wf.start(new io.llmcanary.core.promotion.StartRequest(APP, "same", Embedded.baseline().versions().get("stable"),
        Map.of(), null, "t", null));
    for (String d : decisions) {
      for (int i = 0; i < 10 && !wf.execution(APP, "same").orElseThrow().awaitingDecision(); i++) {
        now.set(now.get().plusSeconds(1));
        wf.advanceAll();
      }
      wf.decide(new Decide(APP, "same", d, "t", "r"));
    }
    return wf.execution(APP, "same").orElseThrow().path();
  }

  private static RolloutState move(RolloutState s, RolloutCommand c) {
    return switch (RolloutStateMachine.apply(s, c, Instant.now())) {
      case Transition.Applied a -> a.state();
      case Transition.Refused r -> throw new IllegalStateException(r.reason());
    };
  }

  // -------------------------------------------------------------------------------------------------- tests

  @Test
  void aHealthyRolloutClimbsEveryStageWithApprovalsAndIsPromoted() throws Exception {
    String id = start();

    awaitApprovalOf(id, 0);
    assertThat(configs.deployedConfig().canaryPercent()).isEqualTo(5.0);
    assertThat(decide(id, "approve", "stage 1 looks fine").path("applied").asBoolean()).isTrue();

    awaitApprovalOf(id, 1);
    assertThat(configs.deployedConfig().canaryPercent()).isEqualTo(25.0);
    DescribeExecutionResponse console = approvePromotion(id, "approve");
    assertThat(console.status()).as(console.toString()).isEqualTo(ExecutionStatus.SUCCEEDED);

    awaitApprovalOf(id, 2);
    assertThat(configs.deployedConfig().canaryPercent()).isEqualTo(50.0);
    ObjectNode api = Embedded.event("promotion-api-approve.json");
    api.put("rawPath", "/rollouts/" + id + "/approve");
    assertThat(Embedded.json(function.handle(api.toString())).path("statusCode").asInt()).isEqualTo(200);

    DescribeExecutionResponse done = finished(id);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(state(id).status()).isEqualTo(RolloutStatus.PROMOTED);
    assertThat(configs.deployedConfig().versions()).containsOnlyKeys("stable");
    assertThat(configs.deployedConfig().canaryPercent()).isZero();
    assertThat(path(id)).containsExactly(
        "ApplyStage", "WaitStage", "Gate", "AwaitApproval",
        "ApplyStage", "WaitStage", "Gate", "AwaitApproval",
        "ApplyStage", "WaitStage", "Gate", "AwaitApproval",
        "ApplyStage", "Finalize", "Promoted")
        .isEqualTo(inProcessPath(List.of(), List.of("approve", "approve", "approve")));
    assertThat(store.history(APP, id)).extracting(e -> e.actor())
        .contains("unverified:cli:bob", "arn:aws:iam::123456789012:user/alice")
        .anySatisfy(a -> assertThat(a).startsWith("ApprovePromotion execution arn:aws:states:"));
    assertThat(alertKinds()).containsExactly("APPROVAL_NEEDED", "APPROVAL_NEEDED", "APPROVAL_NEEDED", "PROMOTED");
  }

  @Test
  void aRejectionEndsTheExecutionAtRejectedWithTheCanaryAtZero() throws Exception {
    String id = start();
    awaitApprovalOf(id, 0);

    DescribeExecutionResponse console = approvePromotion(id, "reject");
    assertThat(console.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    DescribeExecutionResponse done = finished(id);
    // A rejection is an outcome, not a failure: the execution succeeds (ending in Rejected), so the
    // workflow-failure alarm does not fire on it.
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(state(id).status()).isEqualTo(RolloutStatus.REJECTED);
    assertThat(configs.deployedConfig().canaryPercent()).isZero();
    assertThat(path(id)).containsExactly("ApplyStage", "WaitStage", "Gate", "AwaitApproval", "Rejected")
        .isEqualTo(inProcessPath(List.of(), List.of("reject")));

    DescribeExecutionResponse again = approvePromotion(id, "approve");
    assertThat(again.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(again.error()).isEqualTo("Refused");
    assertThat(again.cause()).contains("was already rejected");
  }

  @Test
  void aRollbackWhileWaitingForApprovalEndsTheExecutionAtRolledBack() throws Exception {
    String id = start();
    awaitApprovalOf(id, 0);
    // What the health check does on a regression, through the same rollback action: the conditional transition
    // with its owed steps, canary 0%, the page, failing the waiting task (SendTaskFailure RolledBack).
    RollbackAction.Result r = new RollbackAction(store, configs, new SnsAlertPublisher(sns, topicArn),
        new StepFunctionsApprovalGateway(sfn), Clock.systemUTC()).stop(APP, id, new RollbackAction.Stop(
            new RolloutCommand.RollBack("health-check", "error rate 3x stable"), null, null,
            before -> new Alert(Alert.Kind.ROLLBACK, APP, id, "rolled back " + id, "error rate 3x stable")));
    assertThat(r).isInstanceOf(RollbackAction.Result.Stopped.class);
    assertThat(configs.deployedConfig().canaryPercent()).isZero();

    DescribeExecutionResponse done = finished(id);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(path(id)).endsWith("AwaitApproval", "RolledBack");

    JsonNode late = decide(id, "approve", "too late");
    assertThat(late.path("applied").asBoolean()).isFalse();
    assertThat(late.path("message").asText()).contains("was rolled back").contains("error rate 3x stable");
  }

  @Test
  void anInconclusiveGateWaitsAgainAtMostTwiceThenAsksAPerson() throws Exception {
    policy.gates.addAll(List.of(Outcome.INCONCLUSIVE, Outcome.INCONCLUSIVE, Outcome.INCONCLUSIVE));
    String id = start();

    awaitApprovalOf(id, 0);
    List<String> soFar = path(id);
    assertThat(soFar).containsExactly("ApplyStage", "WaitStage", "Gate", "WaitStage", "Gate", "WaitStage", "Gate",
        "AwaitApproval");
    JsonNode gate = Embedded.json(history(state(id).executionArn()).stream()
        .filter(e -> e.stateExitedEventDetails() != null && "Gate".equals(e.stateExitedEventDetails().name()))
        .reduce((a, b) -> b).orElseThrow().stateExitedEventDetails().output());
    assertThat(gate.path("progress").path("outcome").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(gate.path("progress").path("table").asText()).contains("avg_quality");

    assertThat(decide(id, "reject", "not enough evidence").path("applied").asBoolean()).isTrue();
    assertThat(finished(id).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(path(id)).isEqualTo(inProcessPath(
        List.of(Outcome.INCONCLUSIVE, Outcome.INCONCLUSIVE, Outcome.INCONCLUSIVE), List.of("reject")));
  }

  @Test
  void aRegressionAtTheGateRollsBackAndEndsAtRolledBack() throws Exception {
    policy.gates.add(Outcome.REGRESSION);
    String id = start();

    DescribeExecutionResponse done = finished(id);

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(path(id)).containsExactly("ApplyStage", "WaitStage", "Gate", "RolledBack");
    assertThat(state(id).status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(configs.deployedConfig().canaryPercent()).isZero();
    assertThat(alertKinds()).containsExactly("ROLLBACK");
  }

  @Test
  void withoutADecisionTheApprovalTimesOutAndTheRolloutIsRejected() throws Exception {
    wire(Map.of("stageSeconds", 1, "approvalTimeoutSeconds", 2));
    String id = start();

    DescribeExecutionResponse done = finished(id);

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(path(id)).endsWith("AwaitApproval", "ExpireApproval", "Rejected");
    assertThat(state(id).reason()).contains("no decision within 2 s");
    assertThat(configs.deployedConfig().canaryPercent()).isZero();
  }

  @Test
  void aThrottledInvocationIsRetriedWithBackoff() throws Exception {
    moto.front.throttleNext("apply-stage", 1);
    String id = start();
    awaitApprovalOf(id, 0);

    List<HistoryEvent> events = history(state(id).executionArn());
    assertThat(events).anySatisfy(e -> {
      assertThat(e.type().toString()).isEqualTo("TaskFailed");
      assertThat(e.taskFailedEventDetails().error()).isEqualTo("Lambda.TooManyRequestsException");
    });
    assertThat(path(id)).startsWith("ApplyStage", "WaitStage", "Gate", "AwaitApproval");
    decide(id, "reject", "done");
  }

  @Test
  void anActionThatKeepsFailingIsReportedAndTheExecutionEndsAtFailed() throws Exception {
    wire(Map.of("stageSeconds", 3, "approvalTimeoutSeconds", 120));
    String id = start();
    await("the stage to be applied", () -> path(id).contains("WaitStage"));
    // Someone replaced the published config by hand: the gate cannot judge this rollout.
    configs.publish(Embedded.baseline(), Speed.PLANNED, "by hand");

    DescribeExecutionResponse done = finished(id);

    assertThat(done.error()).isEqualTo("Failed");
    assertThat(path(id)).containsExactly("ApplyStage", "WaitStage", "Gate", "ReportFailure", "Failed");
    assertThat(moto.front.invocations.stream().filter("gate"::equals).count()).as("retried").isGreaterThanOrEqualTo(3);
    assertThat(store.history(APP, id)).filteredOn(e -> e.type().equals("WORKFLOW_FAILED")).last().satisfies(e ->
        assertThat(e.reason()).contains("the deployed config belongs to rollout baseline"));
    assertThat(store.history(APP, id)).last().extracting(AuditEvent::type).isEqualTo("ALERT_SENT");
    assertThat(alertKinds()).containsExactly("WORKFLOW_FAILED");
    assertThat(state(id).status()).as("the canary stays where it was").isEqualTo(RolloutStatus.RUNNING);
  }

  @Test
  void approvePromotionRefusesAStageThatIsNotWaitingAndInputWithoutADecision() throws Exception {
    wire(Map.of("stageSeconds", 30, "approvalTimeoutSeconds", 120));
    String id = start();

    DescribeExecutionResponse early = approvePromotion(id, "approve");
    assertThat(early.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(early.error()).isEqualTo("Refused");
    assertThat(early.cause()).contains("is not waiting for approval").contains("RUNNING at stage 1 of 4 (5%)");

    String arn = sfn.startExecution(b -> b.stateMachineArn(approveArn).name("bad-" + UUID.randomUUID())
        .input("{\"rolloutId\": \"" + id + "\"}")).executionArn();
    AtomicReference<DescribeExecutionResponse> d = new AtomicReference<>();
    await("ApprovePromotion without a decision", () -> {
      d.set(sfn.describeExecution(b -> b.executionArn(arn)));
      return d.get().status() != ExecutionStatus.RUNNING;
    });
    assertThat(d.get().error()).isEqualTo("InvalidInput");
    sfn.stopExecution(b -> b.executionArn(state(id).executionArn()));
  }
}
