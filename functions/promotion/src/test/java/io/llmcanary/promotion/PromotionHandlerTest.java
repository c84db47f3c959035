package io.llmcanary.promotion;

import static io.llmcanary.promotion.Embedded.APP;
import static io.llmcanary.promotion.Embedded.ROLLOUT;
import static io.llmcanary.promotion.Embedded.event;
import static io.llmcanary.promotion.Embedded.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollout.RolloutStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Every action through the handler, on the repository's sample events, with embedded adapters. */
class PromotionHandlerTest {

  private final Embedded e = new Embedded();
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T09:00:00Z"));
  private final InstantSource clock = now::get;
  private final PromotionFunction f = e.function(clock);

  private JsonNode call(JsonNode event) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new PromotionHandler(f).handleRequest(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)),
          out, null);
      return json(out.toString(StandardCharsets.UTF_8));
    } catch (java.io.IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private JsonNode call(String eventFile) {
    return call(event(eventFile));
  }

  private static JsonNode body(JsonNode httpResponse) {
    return json(httpResponse.path("body").asText());
  }

  private String requestApproval(int stage) {
    String token = "token-stage-" + stage;
    e.tokens.open.add(token);
    ObjectNode ev = event("promotion-request-approval.json");
    ev.put("stageIndex", stage).put("taskToken", token);
    assertThat(call(ev).path("next").asText()).isEqualTo("AWAIT_DECISION");
    return token;
  }

  private JsonNode gate(int stage) {
    ObjectNode ev = event("promotion-gate.json");
    ev.put("stageIndex", stage);
    return call(ev);
  }

  @Test
  void aWholeRolloutThroughTheSampleEvents() {
    JsonNode started = call("promotion-start.json");
    assertThat(started.path("applied").asBoolean()).as(started.toString()).isTrue();
    assertThat(e.configs.deployedConfig().canaryPercent()).isEqualTo(5.0);

    JsonNode applied = call("promotion-apply-stage.json");
    assertThat(applied.path("next").asText()).isEqualTo("WAIT");
    // every field the state machine's ResultSelector reads is there
    for (String field : new String[] {"next", "status", "stageIndex", "stages", "percent", "inconclusiveWaits",
        "outcome", "reason", "table"}) {
      assertThat(applied.has(field)).as(field).isTrue();
    }

    JsonNode gate = gate(0);
    assertThat(gate.path("next").asText()).isEqualTo("REQUEST_APPROVAL");
    assertThat(gate.path("outcome").asText()).isEqualTo("HEALTHY");
    assertThat(gate.path("table").asText()).contains("avg_quality");

    requestApproval(0);
    assertThat(e.alerts.delivered()).extracting(Alert::kind).containsExactly(Alert.Kind.APPROVAL_NEEDED);

    JsonNode decided = call("promotion-decide-approve.json");
    assertThat(decided.path("applied").asBoolean()).as(decided.toString()).isTrue();
    assertThat(e.tokens.log).singleElement().asString().startsWith("success Approval[decision=approve, ");

    JsonNode next = call("promotion-apply-stage-after-approval.json");
    assertThat(next.path("next").asText()).isEqualTo("WAIT");
    assertThat(next.path("percent").asDouble()).isEqualTo(25.0);
    assertThat(e.configs.deployedConfig().canaryPercent()).isEqualTo(25.0);

    JsonNode status = call("promotion-api-status.json");
    assertThat(status.path("statusCode").asInt()).isEqualTo(200);
    assertThat(body(status).path("description").asText()).isEqualTo("RUNNING at stage 2 of 4 (25%)");
    assertThat(body(status).path("history").size()).isGreaterThanOrEqualTo(5);

    // stage 2 through the API route, stage 3 through the ApprovePromotion payload
    gate(1);
    requestApproval(1);
    JsonNode viaApi = call("promotion-api-approve.json");
    assertThat(viaApi.path("statusCode").asInt()).as(viaApi.toString()).isEqualTo(200);
    assertThat(e.store.history(APP, ROLLOUT)).anySatisfy(ev -> assertThat(ev.actor())
        .isEqualTo("arn:aws:iam::123456789012:user/alice"));
    ObjectNode afterApi = event("promotion-apply-stage-after-approval.json");
    ((ObjectNode) afterApi.get("approval")).put("fromStage", 1).put("toStage", 2);
    assertThat(call(afterApi).path("percent").asDouble()).isEqualTo(50.0);

    gate(2);
    requestApproval(2);
    assertThat(call("promotion-decide-approve.json").path("applied").asBoolean()).isTrue();
    ObjectNode last = event("promotion-apply-stage-after-approval.json");
    ((ObjectNode) last.get("approval")).put("fromStage", 2).put("toStage", 3);
    assertThat(call(last).path("next").asText()).isEqualTo("FINALIZE");

    JsonNode finalized = call("promotion-finalize.json");
    assertThat(finalized.path("next").asText()).isEqualTo("PROMOTED");
    assertThat(e.store.get(APP, ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.PROMOTED);
    assertThat(e.configs.deployedConfig().versions()).containsOnlyKeys("stable");
    assertThat(e.configs.deployedConfig().versions().get("stable").systemPrompt()).contains("concise");

    JsonNode late = call("promotion-api-approve.json");
    assertThat(late.path("statusCode").asInt()).isEqualTo(409);
    assertThat(body(late).path("message").asText()).contains("is finished");
    assertThat(e.log()).contains("\"action\":\"gate\"").doesNotContain("token-stage-");
  }

  @Test
  void rejectionThroughTheApiEndsTheRolloutAtZero() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);

    JsonNode r = call("promotion-api-reject.json");

    assertThat(r.path("statusCode").asInt()).isEqualTo(200);
    assertThat(e.store.get(APP, ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.REJECTED);
    assertThat(e.configs.deployedConfig().canaryPercent()).isZero();
    assertThat(e.tokens.log).singleElement().asString().startsWith("failure Rejected rejected by arn:aws:iam::123456789012:user/alice: too terse");
  }

  @Test
  void theDecideSampleRejectsAndTheStateMachineGetsTheRejectedError() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);
    assertThat(call("promotion-decide-reject.json").path("applied").asBoolean()).isTrue();
    assertThat(e.tokens.log).singleElement().asString().startsWith("failure Rejected");
  }

  @Test
  void aRegressionAtTheGateRollsBackAndEndsTheWorkflow() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    e.policy.gates.add(Outcome.REGRESSION);
    JsonNode r = gate(0);
    assertThat(r.path("next").asText()).isEqualTo("ROLLED_BACK");
    assertThat(e.configs.deployedConfig().canaryPercent()).isZero();
  }

  @Test
  void expiryAndFailureReportsUseTheirSampleEvents() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);
    ObjectNode expire = event("promotion-expire-approval.json");
    expire.put("stageIndex", 0);
    assertThat(call(expire).path("next").asText()).isEqualTo("REJECTED");

    JsonNode failed = call("promotion-report-failure.json");
    assertThat(failed.path("next").asText()).isEqualTo("FAILED");
    assertThat(failed.path("reason").asText()).contains("States.TaskFailed").contains("AppConfig throttled");
    assertThat(e.alerts.delivered()).extracting(Alert::kind).contains(Alert.Kind.WORKFLOW_FAILED);
  }

  @Test
  void startingOverTheApiValidatesTheVersionAndRefusesASecondActiveRollout() {
    JsonNode created = call("promotion-api-start.json");
    assertThat(created.path("statusCode").asInt()).as(created.toString()).isEqualTo(201);

    ObjectNode second = event("promotion-api-start.json");
    second.put("body", "{\"rolloutId\": \"other\", \"canary\": {\"model\": \"anthropic.claude-3-5-sonnet-20240620-v1:0\","
        + " \"systemPrompt\": \"x\", \"maxTokens\": 100}}");
    JsonNode refused = call(second);
    assertThat(refused.path("statusCode").asInt()).isEqualTo(409);
    assertThat(body(refused).path("message").asText()).contains("already active");
  }

  @Test
  void anInvalidCanaryVersionIsRefusedWithTheFieldNamed() {
    ObjectNode typo = event("promotion-api-start.json");
    typo.put("body", "{\"rolloutId\": \"typo\", \"canary\": {\"model\": \"anthropic.claude-3-5-sonnet-20240620-v1:0\","
        + " \"systemPromt\": \"x\", \"maxTokens\": 1}}");
    JsonNode invalid = call(typo);
    assertThat(invalid.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(invalid).path("message").asText()).contains("versions.canary.systemPromt");
  }

  @Test
  void theApiRefusesCallersWithoutIdentityAndBadBodies() {
    JsonNode anon = call("promotion-api-unauthenticated.json");
    assertThat(anon.path("statusCode").asInt()).isEqualTo(401);

    ObjectNode bad = event("promotion-api-approve.json");
    bad.put("body", "{not json");
    assertThat(call(bad).path("statusCode").asInt()).isEqualTo(400);

    ObjectNode unknown = event("promotion-api-approve.json");
    unknown.put("rawPath", "/rollouts/nope/approve");
    JsonNode missing = call(unknown);
    assertThat(missing.path("statusCode").asInt()).isEqualTo(404);
    assertThat(body(missing).path("message").asText()).contains("there is no rollout nope");
  }

  @Test
  void aPayloadWithoutOrWithAnUnknownActionFailsTheInvocationNamingTheActions() {
    assertThatThrownBy(() -> call(json("{\"rolloutId\": \"x\"}"))).hasMessageContaining("has no \"action\"")
        .hasMessageContaining("apply-stage, gate, request-approval");
    assertThatThrownBy(() -> call(json("{\"action\": \"promote-now\"}"))).hasMessageContaining("unknown action \"promote-now\"");
    assertThatThrownBy(() -> f.handle("not json")).hasMessageContaining("not JSON");
  }

  @Test
  void approvingBeforeTheGateIsRefusedWithTheStage() {
    call("promotion-start.json");
    JsonNode r = call("promotion-decide-approve.json");
    assertThat(r.path("applied").asBoolean()).isFalse();
    assertThat(r.path("message").asText()).contains("is not waiting for approval").contains("RUNNING at stage 1 of 4 (5%)");
  }

  @Test
  void anOperatorRollsBackARunningRolloutThroughTheApiAsTheSigningIdentity() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    assertThat(e.configs.deployedConfig().canaryPercent()).isEqualTo(5.0);

    JsonNode r = call("promotion-api-rollback.json");

    assertThat(r.path("statusCode").asInt()).as(r.toString()).isEqualTo(200);
    assertThat(body(r).path("status").asText()).isEqualTo("ROLLED_BACK");
    assertThat(e.store.get(APP, ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(e.configs.deployedConfig().canaryPercent()).isZero();
    assertThat(e.alerts.delivered()).extracting(Alert::kind).contains(Alert.Kind.ROLLBACK);
    // the body says "actor": "someone-else"; the audit trail names the IAM caller
    assertThat(e.store.history(APP, ROLLOUT)).filteredOn(ev -> "quality complaints from support".equals(ev.reason()))
        .singleElement().satisfies(ev -> assertThat(ev.actor()).isEqualTo("arn:aws:iam::123456789012:user/alice"));
    assertThat(e.store.history(APP, ROLLOUT)).noneSatisfy(ev -> assertThat(ev.actor()).isEqualTo("someone-else"));
  }

  @Test
  void anOperatorRollsBackWhileAnApprovalWaitsAndTheWaitingTaskFails() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);

    JsonNode r = call("promotion-api-rollback.json");

    assertThat(r.path("statusCode").asInt()).as(r.toString()).isEqualTo(200);
    assertThat(e.configs.deployedConfig().canaryPercent()).isZero();
    assertThat(e.tokens.log).singleElement().asString().startsWith("failure RolledBack");
  }

  @Test
  void aRollbackOfAnUnknownOrEndedRolloutOrWithoutAReasonIsRefusedSayingWhy() {
    JsonNode unknown = call("promotion-api-rollback.json");
    assertThat(unknown.path("statusCode").asInt()).isEqualTo(404);
    assertThat(body(unknown).path("message").asText()).contains("no rollout concise-2026-11-26");

    call("promotion-start.json");
    call("promotion-apply-stage.json");
    assertThat(call("promotion-api-rollback.json").path("statusCode").asInt()).isEqualTo(200);
    JsonNode again = call("promotion-api-rollback.json");
    assertThat(again.path("statusCode").asInt()).isEqualTo(409);
    assertThat(body(again).path("message").asText()).contains("has ended already").contains("ROLLED_BACK");

    ObjectNode noReason = event("promotion-api-rollback.json");
    noReason.put("body", "{}");
    JsonNode bad = call(noReason);
    assertThat(bad.path("statusCode").asInt()).isEqualTo(400);
    assertThat(body(bad).path("message").asText()).contains("reason");
  }

  @Test
  void anActorInTheStartBodyIsIgnoredForTheIamCaller() {
    ObjectNode ev = event("promotion-api-start.json");
    ObjectNode b = (ObjectNode) json(ev.path("body").asText());
    b.put("actor", "someone-else");
    ev.put("body", b.toString());

    JsonNode created = call(ev);

    assertThat(created.path("statusCode").asInt()).as(created.toString()).isEqualTo(201);
    String id = b.path("rolloutId").asText();
    assertThat(e.store.history(APP, id)).isNotEmpty().allSatisfy(a -> assertThat(a.actor())
        .isNotEqualTo("someone-else"));
    assertThat(e.store.history(APP, id)).extracting(a -> a.actor()).contains("arn:aws:iam::123456789012:user/alice");
  }

  private JsonNode list() {
    return call("promotion-api-list.json");
  }

  @Test
  void theStatusRouteShowsTheGuardrailsTheHealthCheckJudgesWithAndWhenTheStageBegan() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    var deployed = e.configs.deployedConfig();
    var strict = new io.llmcanary.core.config.Guardrails(0.8, 3.0, 1.4, 1.6, 0.9, 1.1, 1.2, 1.4, 0.01, 0.01, 500, 80,
        0.3, 30);
    e.configs.publish(new io.llmcanary.core.config.RolloutConfig(deployed.schemaVersion(), deployed.application(),
        deployed.rolloutId(), deployed.canaryPercent(), deployed.salt(), deployed.versions(), deployed.pricing(), strict,
        deployed.stages(), deployed.fallbackToStable(), deployed.qualityJudge()),
        io.llmcanary.core.ports.ConfigPublisher.Speed.IMMEDIATE, "stricter guardrails");

    JsonNode s = body(call("promotion-api-status.json"));

    assertThat(s.path("guardrailsFrom").asText()).isEqualTo("deployed config");
    assertThat(s.path("guardrails").path("rollbackQualityRatio").asDouble()).isEqualTo(0.8);
    assertThat(s.path("guardrails").path("minRequests").asLong()).isEqualTo(500);
    assertThat(s.path("stageStartedAt").asText()).isEqualTo("2026-11-26T09:00:00Z");
    assertThat(s.path("startedAt").asText()).isEqualTo("2026-11-26T09:00:00Z");

    // another rollout's config deployed (here: the baseline again): the check uses the defaults, and so does the route
    e.configs.publish(Embedded.baseline(), io.llmcanary.core.ports.ConfigPublisher.Speed.IMMEDIATE, "baseline");
    JsonNode d = body(call("promotion-api-status.json"));
    assertThat(d.path("guardrailsFrom").asText()).isEqualTo("defaults");
    assertThat(d.path("guardrails").path("rollbackQualityRatio").asDouble())
        .isEqualTo(io.llmcanary.core.config.Guardrails.defaults().rollbackQualityRatio());
  }

  @Test
  void theListRouteShowsTheActiveRolloutAndAfterItEndsTheMostRecentOneAsEnded() {
    JsonNode empty = list();
    assertThat(empty.path("statusCode").asInt()).as(empty.toString()).isEqualTo(200);
    assertThat(body(empty).path("rollouts").size()).isZero();

    call("promotion-start.json");
    call("promotion-apply-stage.json");
    JsonNode one = body(list());
    assertThat(one.path("active").asInt()).isEqualTo(1);
    assertThat(one.path("rollouts")).singleElement().satisfies(r -> {
      assertThat(r.path("rolloutId").asText()).isEqualTo(ROLLOUT);
      assertThat(r.path("status").asText()).isEqualTo("RUNNING");
      assertThat(r.path("ended").asBoolean()).isFalse();
      assertThat(r.path("canaryPercent").asDouble()).isEqualTo(5.0);
    });

    assertThat(call("promotion-api-rollback.json").path("statusCode").asInt()).isEqualTo(200);
    JsonNode ended = body(list());
    assertThat(ended.path("active").asInt()).isZero();
    assertThat(ended.path("rollouts")).singleElement().satisfies(r -> {
      assertThat(r.path("status").asText()).isEqualTo("ROLLED_BACK");
      assertThat(r.path("ended").asBoolean()).isTrue();
    });
  }

  @Test
  void theListRouteNeedsAnIdentityLikeTheOthers() {
    ObjectNode ev = event("promotion-api-unauthenticated.json");
    ev.put("rawPath", "/rollouts");
    ((ObjectNode) ev.path("requestContext").path("http")).put("method", "GET").put("path", "/rollouts");
    assertThat(call(ev).path("statusCode").asInt()).isEqualTo(401);
  }

  // ------------------------------------------------------------------------------------------ who decides

  private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
  private static final String BOB = "arn:aws:iam::123456789012:user/bob";
  private static final String APPROVE_EXECUTION =
      "arn:aws:states:us-east-1:123456789012:execution:llm-canary-approve-promotion:x-1";

  /** An API event signed by another IAM principal. */
  private static ObjectNode signedBy(String eventFile, String userArn) {
    ObjectNode ev = event(eventFile);
    ((ObjectNode) ev.path("requestContext").path("authorizer").path("iam")).put("userArn", userArn);
    return ev;
  }

  @Test
  void aDirectDecideRecordsItsActorFieldAsAClaimNeverAsThePrincipalItNames() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);
    ObjectNode forged = event("promotion-decide-approve.json");
    forged.put("actor", BOB);

    assertThat(call(forged).path("applied").asBoolean()).isTrue();

    assertThat(e.store.history(APP, ROLLOUT)).extracting(a -> a.actor()).doesNotContain(BOB)
        .contains("unverified:" + BOB);
    // a direct start is a claim too
    assertThat(e.store.history(APP, ROLLOUT).get(0).actor()).isEqualTo("unverified:" + ALICE);
  }

  @Test
  void aDecideFromAVerifiedApprovePromotionExecutionIsRecordedAsThatExecution() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);
    e.runningApprovals.put(APPROVE_EXECUTION, ROLLOUT + " approve");
    ObjectNode fromStateMachine = event("promotion-decide-approve.json");
    fromStateMachine.remove("actor");
    fromStateMachine.put("executionArn", APPROVE_EXECUTION);

    JsonNode r = call(fromStateMachine);

    assertThat(r.path("applied").asBoolean()).as(r.toString()).isTrue();
    assertThat(e.store.history(APP, ROLLOUT)).extracting(a -> a.actor())
        .contains("ApprovePromotion execution " + APPROVE_EXECUTION);
  }

  @Test
  void aDecideNamingAnExecutionThatDoesNotCheckOutIsRefusedAndChangesNothing() {
    call("promotion-start.json");
    call("promotion-apply-stage.json");
    gate(0);
    requestApproval(0);
    e.runningApprovals.put(APPROVE_EXECUTION, ROLLOUT + " reject"); // started to reject, replayed as an approval
    ObjectNode replayed = event("promotion-decide-approve.json");
    replayed.put("executionArn", APPROVE_EXECUTION);

    JsonNode r = call(replayed);

    assertThat(r.path("applied").asBoolean()).isFalse();
    assertThat(r.path("message").asText()).contains("does not check out");
    assertThat(e.tokens.log).isEmpty();
    assertThat(e.store.get(APP, ROLLOUT).orElseThrow().status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
  }

  @Test
  void withOperatorPrincipalsOnlyListedCallersReachTheRolloutRoutes() {
    PromotionFunction listed = e.function(clock, new io.llmcanary.core.promotion.OperatorRules(
        java.util.List.of("arn:aws:iam::123456789012:role/Operators", ALICE), false));
    java.util.function.Function<JsonNode, JsonNode> via = ev -> json(listed.handle(ev.toString()));

    JsonNode outsider = via.apply(signedBy("promotion-api-status.json", BOB));
    assertThat(outsider.path("statusCode").asInt()).isEqualTo(403);
    assertThat(body(outsider).path("error").asText()).isEqualTo("not_an_operator");
    assertThat(body(outsider).path("message").asText()).contains(BOB).contains("OperatorPrincipals");
    JsonNode outsiderStart = via.apply(signedBy("promotion-api-start.json", BOB));
    assertThat(outsiderStart.path("statusCode").asInt()).isEqualTo(403);
    assertThat(e.store.active()).isEmpty();

    assertThat(via.apply(signedBy("promotion-api-start.json", ALICE)).path("statusCode").asInt()).isEqualTo(201);
    JsonNode roleSession = via.apply(signedBy("promotion-api-status.json",
        "arn:aws:sts::123456789012:assumed-role/Operators/carol"));
    assertThat(roleSession.path("statusCode").asInt()).isIn(200, 404);
  }

  @Test
  void withASeparateApproverTheStarterIsRefusedAndAnotherOperatorApproves() {
    PromotionFunction twoPerson = e.function(clock, new io.llmcanary.core.promotion.OperatorRules(
        java.util.List.of(), true));
    java.util.function.Function<JsonNode, JsonNode> via = ev -> json(twoPerson.handle(ev.toString()));
    ObjectNode start = signedBy("promotion-api-start.json", ALICE);
    ObjectNode b = (ObjectNode) json(start.path("body").asText());
    b.put("rolloutId", ROLLOUT);
    start.put("body", b.toString());
    assertThat(via.apply(start).path("statusCode").asInt()).isEqualTo(201);
    via.apply(event("promotion-apply-stage.json"));
    ObjectNode g = event("promotion-gate.json");
    g.put("stageIndex", 0);
    via.apply(g);
    e.tokens.open.add("token-stage-0");
    ObjectNode ask = event("promotion-request-approval.json");
    ask.put("stageIndex", 0).put("taskToken", "token-stage-0");
    via.apply(ask);

    JsonNode own = via.apply(signedBy("promotion-api-approve.json", ALICE));
    assertThat(own.path("statusCode").asInt()).isEqualTo(403);
    assertThat(body(own).path("message").asText()).contains("RequireSeparateApprover").contains("started this rollout");
    assertThat(e.tokens.log).isEmpty();

    JsonNode other = via.apply(signedBy("promotion-api-approve.json", BOB));
    assertThat(other.path("statusCode").asInt()).as(other.toString()).isEqualTo(200);
    assertThat(e.tokens.log).singleElement().asString().contains(BOB);
  }
}
