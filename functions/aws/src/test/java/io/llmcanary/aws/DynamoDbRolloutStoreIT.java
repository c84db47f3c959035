package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.RolloutStore.CreateResult;
import io.llmcanary.core.ports.RolloutStore.CreateResult.ApplicationBusy;
import io.llmcanary.core.ports.RolloutStore.CreateResult.Created;
import io.llmcanary.core.ports.RolloutStore.CreateResult.IdTaken;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.OneRequestAtATime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

@AwsIntegrationTest
class DynamoDbRolloutStoreIT {

  private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");
  /** Every failure the SDK saw, to show why a write was refused. */
  private static final List<Throwable> FAILURES = new CopyOnWriteArrayList<>();

  private static DynamoDbClient dynamo;
  private String table;
  private DynamoDbRolloutStore store;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    dynamo = aws.configure(DynamoDbClient.builder())
        // DynamoDB isolates racing writes; moto does not (see OneRequestAtATime). Threads still race for the order.
        .httpClientBuilder(defaults ->
            new OneRequestAtATime(UrlConnectionHttpClient.builder().buildWithDefaults(defaults)))
        .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            FAILURES.add(context.exception());
          }
        }))
        .build();
  }

  @AfterAll
  static void close() {
    dynamo.close();
  }

  /** A table of its own for each test, so that active() sees only that test's rollouts. */
  @BeforeEach
  void table() {
    table = "rollouts-" + UUID.randomUUID();
    DynamoDbRolloutStore.createTable(dynamo, table);
    store = new DynamoDbRolloutStore(dynamo, table);
    FAILURES.clear();
  }

  private static RolloutState running(String app, String id) {
    return RolloutState.start(app, id, StagePlan.DEFAULT, T0, "arn:aws:states:us-east-1:123456789012:execution:promote:" + id);
  }

  private static Transition.Applied apply(RolloutState s, RolloutCommand c, Instant at) {
    Transition t = RolloutStateMachine.apply(s, c, at);
    assertThat(t).as("transition %s from %s", c, s.status()).isInstanceOf(Transition.Applied.class);
    return (Transition.Applied) t;
  }

  @Test
  void a_created_rollout_reads_back_as_it_was_stored() {
    RolloutState state = new RolloutState("chat", "concise-2026-11-26", RolloutStatus.AWAITING_APPROVAL,
        new StagePlan(List.of(0.5, 5.0, 25.0, 100.0)), 1, 7, T0, T0.plusSeconds(3600).plusNanos(123_456_789),
        T0.plusSeconds(7200), "arn:aws:states:us-east-1:123456789012:execution:promote:x", "token-abc",
        "gate passed", List.of(new OwedStep.SendAlert(new Alert(Alert.Kind.APPROVAL_NEEDED, "chat",
            "concise-2026-11-26", "approve?", "body\nwith lines")), new OwedStep.ZeroCanary("zero"),
            new OwedStep.PromoteCanary("promote"), new OwedStep.FailApprovalTask("tok", "RolledBack", "why", 2)));

    assertThat(store.create(state)).isEqualTo(new Created());

    assertThat(store.get("chat", "concise-2026-11-26")).contains(state);
    assertThat(store.get("chat", "other")).isEmpty();
    assertThat(store.get("other-app", "concise-2026-11-26")).isEmpty();
  }

  @Test
  void a_rollout_without_optional_fields_reads_back_with_nulls() {
    RolloutState state = RolloutState.start("chat", "r1", StagePlan.DEFAULT, T0, null);

    store.create(state);

    assertThat(store.get("chat", "r1")).contains(state);
  }

  @Test
  void replace_from_the_stored_version_stores_the_next_state() {
    RolloutState v1 = running("chat", "r1");
    store.create(v1);
    Transition.Applied toApproval = apply(v1, new RolloutCommand.RequestApproval("workflow", "gate passed", "tok-1"),
        T0.plusSeconds(86_400));

    assertThat(store.replace(toApproval.state(), v1.version())).isTrue();

    RolloutState stored = store.get("chat", "r1").orElseThrow();
    assertThat(stored).isEqualTo(toApproval.state());
    assertThat(stored.status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
    assertThat(stored.version()).isEqualTo(2);
    assertThat(stored.taskToken()).isEqualTo("tok-1");
  }

  @Test
  void of_two_writers_from_the_same_version_the_second_is_refused_by_the_conditional_write() {
    RolloutState v1 = running("chat", "r1");
    store.create(v1);
    // A health check and the promotion workflow both read version 1 and decide differently.
    RolloutState rollback = apply(v1, new RolloutCommand.RollBack("health-check", "quality regression"), T0.plusSeconds(60)).state();
    RolloutState approval = apply(v1, new RolloutCommand.RequestApproval("workflow", "gate passed", "tok"), T0.plusSeconds(61)).state();

    boolean first = store.replace(rollback, v1.version());
    boolean second = store.replace(approval, v1.version());

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(FAILURES).singleElement().isInstanceOf(ConditionalCheckFailedException.class);
    assertThat(store.get("chat", "r1")).contains(rollback);
  }

  @Test
  void of_two_writers_racing_from_the_same_version_exactly_one_wins() throws Exception {
    RolloutState v1 = running("chat", "r1");
    store.create(v1);
    List<RolloutState> candidates = List.of(
        apply(v1, new RolloutCommand.RollBack("health-check-1", "errors 3x"), T0.plusSeconds(60)).state(),
        apply(v1, new RolloutCommand.RollBack("health-check-2 (retry)", "errors 3x"), T0.plusSeconds(60)).state(),
        apply(v1, new RolloutCommand.RequestApproval("workflow", "gate passed", "tok"), T0.plusSeconds(60)).state());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results;
    try (ExecutorService pool = Executors.newFixedThreadPool(candidates.size())) {
      results = candidates.stream().map(c -> pool.submit(() -> {
        go.await();
        return store.replace(c, v1.version());
      })).toList();
      go.countDown();
    }

    List<Boolean> won = results.stream().map(f -> f.resultNow()).toList();
    assertThat(won).containsOnlyOnce(true);
    // The rollbacks are transactions (state and claim), the approval request a single conditional put.
    assertThat(FAILURES).hasSize(candidates.size() - 1)
        .allMatch(e -> e instanceof ConditionalCheckFailedException || e instanceof TransactionCanceledException);
    RolloutState winner = candidates.get(won.indexOf(true));
    assertThat(store.get("chat", "r1")).contains(winner);
  }

  @Test
  void a_replace_of_a_rollout_that_was_never_created_is_refused() {
    RolloutState ghost = running("chat", "ghost");
    RolloutState next = apply(ghost, new RolloutCommand.RollBack("ops", "cleanup"), T0).state();

    assertThat(store.replace(next, ghost.version())).isFalse();
    assertThat(store.get("chat", "ghost")).isEmpty();
  }

  @Test
  void creating_a_rollout_whose_id_exists_is_refused_as_id_taken_and_keeps_the_first() {
    RolloutState first = running("chat", "r1");
    RolloutState second = RolloutState.start("chat", "r1", new StagePlan(List.of(50.0, 100.0)), T0.plusSeconds(5), null);

    assertThat(store.create(first)).isEqualTo(new Created());
    // r1 holds the application's claim itself; that blocks nothing, the id does.
    assertThat(store.create(second)).isEqualTo(new IdTaken("r1"));

    assertThat(FAILURES).singleElement().isInstanceOf(TransactionCanceledException.class);
    assertThat(store.get("chat", "r1")).contains(first);
    assertThat(store.claimHolder("chat")).contains("r1");
  }

  @Test
  void the_audit_trail_comes_back_oldest_first_and_only_for_its_rollout() {
    RolloutState s = running("chat", "r1");
    store.create(s);
    AuditEvent started = new AuditEvent("chat", "r1", T0, "ops", "TRANSITION", null, RolloutStatus.RUNNING, 0, "started", null);
    AuditEvent verdict = AuditEvent.judged(s, T0.plusSeconds(900), "health-check", "VERDICT", Outcome.HEALTHY,
        "all rows healthy", "Metric  Stable  Canary  Diff\navg_quality  0.870  0.871  +0.1%");
    AuditEvent halfSecond = AuditEvent.judged(s, T0.plusMillis(900_500), "health-check", "VERDICT",
        Outcome.INCONCLUSIVE, "too few", null);
    AuditEvent sameInstantA = AuditEvent.decision(s, T0.plusSeconds(1800), "health-check", "VERDICT", "first", null);
    AuditEvent sameInstantB = AuditEvent.decision(s, T0.plusSeconds(1800), "health-check", "ALERT", "second", null);
    AuditEvent otherRollout = new AuditEvent("chat", "r2", T0.plusSeconds(1), "ops", "TRANSITION", null,
        RolloutStatus.RUNNING, 0, "started", null);

    // Appended out of time order; the store sorts by time, equal times in append order.
    store.append(halfSecond);
    store.append(sameInstantA);
    store.append(verdict);
    store.append(otherRollout);
    store.append(started);
    store.append(sameInstantB);

    assertThat(store.history("chat", "r1")).containsExactly(started, verdict, halfSecond, sameInstantA, sameInstantB);
    assertThat(store.history("chat", "r2")).containsExactly(otherRollout);
    assertThat(store.history("chat", "r1")).extracting(AuditEvent::outcome)
        .containsExactly(null, Outcome.HEALTHY, Outcome.INCONCLUSIVE, null, null);
    assertThat(store.history("chat", "none")).isEmpty();
  }

  @Test
  void active_lists_only_rollouts_that_are_not_terminal_and_never_the_claims() {
    // Ended ones first: each gives the application back before the next one starts.
    RolloutState rolledBack = running("chat", "rolled-back");
    assertThat(store.create(rolledBack)).isEqualTo(new Created());
    assertThat(store.replace(apply(rolledBack, new RolloutCommand.RollBack("health-check", "regression"), T0).state(), 1))
        .isTrue();
    RolloutState promoted = RolloutState.start("chat", "promoted", new StagePlan(List.of(100.0)), T0, null);
    assertThat(store.create(promoted)).isEqualTo(new Created());
    assertThat(store.replace(apply(promoted, new RolloutCommand.Finalize("workflow", "done"), T0).state(), 1)).isTrue();
    RolloutState rejected = running("chat", "rejected");
    assertThat(store.create(rejected)).isEqualTo(new Created());
    RolloutState awaiting = apply(rejected, new RolloutCommand.RequestApproval("wf", "gate", "tok"), T0).state();
    assertThat(store.replace(awaiting, 1)).isTrue();
    assertThat(store.replace(apply(awaiting, new RolloutCommand.Reject("alice", "not convinced"), T0).state(), 2))
        .isTrue();
    RolloutState running = running("chat", "running");
    RolloutState waiting = apply(running("summarise", "waiting"),
        new RolloutCommand.RequestApproval("workflow", "gate passed", "tok"), T0).state();
    RolloutState otherApp = running("search", "running");
    for (RolloutState s : List.of(running, waiting, otherApp)) {
      assertThat(store.create(s)).isEqualTo(new Created());
    }

    List<RolloutState> active = store.active();

    assertThat(active).containsExactlyInAnyOrder(running, waiting, otherApp);
    assertThat(store.claimHolder("chat")).contains("running");
  }

  // ------------------------------------------------------------------- one active rollout per application

  @Test
  void of_many_starts_racing_for_one_application_exactly_one_is_created_and_the_others_are_told_which_won()
      throws Exception {
    int n = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<CreateResult>> results;
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      results = IntStream.range(0, n).mapToObj(i -> pool.submit(() -> {
        go.await();
        return store.create(running("chat", "racer-" + i));
      })).toList();
      go.countDown();
    }

    List<CreateResult> outcomes = results.stream().map(Future::resultNow).toList();
    assertThat(outcomes).filteredOn(Created.class::isInstance).hasSize(1);
    String winner = "racer-" + outcomes.indexOf(new Created());
    assertThat(outcomes).filteredOn(r -> !(r instanceof Created)).hasSize(n - 1)
        .allMatch(r -> r.equals(new ApplicationBusy("chat", winner)));
    assertThat(store.claimHolder("chat")).contains(winner);
    assertThat(store.active()).extracting(RolloutState::rolloutId).containsExactly(winner);
    for (int i = 0; i < n; i++) {
      // A refused start leaves nothing behind.
      assertThat(store.get("chat", "racer-" + i).isPresent()).as("racer-%d stored", i).isEqualTo(("racer-" + i).equals(winner));
    }
  }

  @Test
  void while_a_rollout_is_active_a_start_of_another_id_is_refused_naming_it_and_writes_nothing() {
    assertThat(store.create(running("chat", "r1"))).isEqualTo(new Created());

    assertThat(store.create(running("chat", "r2"))).isEqualTo(new ApplicationBusy("chat", "r1"));

    assertThat(store.get("chat", "r2")).isEmpty();
    assertThat(store.claimHolder("chat")).contains("r1");
    assertThat(store.create(running("search", "r2"))).as("another application").isEqualTo(new Created());
  }

  @Test
  void a_terminal_replace_gives_the_application_back_in_the_same_write_so_the_next_start_succeeds() {
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    RolloutState rolledBack = apply(r1, new RolloutCommand.RollBack("health-check", "errors 3x"), T0.plusSeconds(60)).state();

    assertThat(store.replace(rolledBack, r1.version())).isTrue();

    assertThat(store.get("chat", "r1")).contains(rolledBack);
    assertThat(store.claimHolder("chat")).isEmpty();
    assertThat(store.create(running("chat", "r2"))).isEqualTo(new Created());
    assertThat(store.claimHolder("chat")).contains("r2");
    // Bookkeeping on the ended r1 (a pending alert) is a terminal replace too; it leaves r2's claim alone.
    assertThat(store.replace(rolledBack.withOwed(List.of(new OwedStep.SendAlert(new Alert(Alert.Kind.ROLLBACK, "chat",
        "r1", "subject", "body")))), rolledBack.version())).isTrue();
    assertThat(store.claimHolder("chat")).contains("r2");
  }

  @Test
  void a_transition_and_its_audit_event_are_written_together_and_a_lost_race_writes_neither() {
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    Transition.Applied waiting = apply(r1, new RolloutCommand.RequestApproval("workflow", "gate passed", "tok"), T0);
    assertThat(store.replace(waiting.state(), r1.version(), waiting.event())).isTrue();

    // A second writer from the same version loses: neither its state nor its event lands.
    Transition.Applied rolledBack = apply(r1, new RolloutCommand.RollBack("health-check", "errors"), T0.plusSeconds(1));
    assertThat(store.replace(rolledBack.state(), r1.version(), rolledBack.event())).isFalse();

    assertThat(store.get("chat", "r1")).contains(waiting.state());
    assertThat(store.history("chat", "r1")).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo("TRANSITION");
      assertThat(e.toStatus()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
    });

    // A terminal transition with its event: the claim is given back in the same transaction.
    Transition.Applied ended = apply(waiting.state(), new RolloutCommand.RollBack("health-check", "errors"),
        T0.plusSeconds(2));
    assertThat(store.replace(ended.state(), waiting.state().version(), ended.event().withTable("the table")))
        .isTrue();
    assertThat(store.history("chat", "r1")).extracting(AuditEvent::toStatus)
        .containsExactly(RolloutStatus.AWAITING_APPROVAL, RolloutStatus.ROLLED_BACK);
    assertThat(store.history("chat", "r1").get(1).table()).isEqualTo("the table");
    assertThat(store.claimHolder("chat")).isEmpty();
  }

  @Test
  void a_non_terminal_replace_keeps_the_application_claimed() {
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    RolloutState waiting = apply(r1, new RolloutCommand.RequestApproval("workflow", "gate passed", "tok"), T0).state();
    assertThat(store.replace(waiting, 1)).isTrue();
    RolloutState next = apply(waiting, new RolloutCommand.Approve("alice", "ok"), T0.plusSeconds(60)).state();
    assertThat(store.replace(next, 2)).isTrue();

    assertThat(store.claimHolder("chat")).contains("r1");
    assertThat(store.create(running("chat", "r2"))).isEqualTo(new ApplicationBusy("chat", "r1"));
  }

  @Test
  void a_terminal_replace_that_loses_its_race_keeps_the_application_claimed() {
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    assertThat(store.replace(apply(r1, new RolloutCommand.RequestApproval("wf", "gate", "tok"), T0).state(), 1)).isTrue();

    // A rollback derived from version 1, arriving after version 2 was written.
    assertThat(store.replace(apply(r1, new RolloutCommand.RollBack("health-check", "late"), T0).state(), 1)).isFalse();

    assertThat(store.get("chat", "r1").orElseThrow().status()).isEqualTo(RolloutStatus.AWAITING_APPROVAL);
    assertThat(store.claimHolder("chat")).contains("r1");
  }

  @Test
  void a_rollout_stored_before_claims_existed_can_still_end_and_then_frees_its_application() {
    RolloutState legacy = legacy("chat", "legacy");
    RolloutState rolledBack = apply(legacy, new RolloutCommand.RollBack("health-check", "errors"), T0).state();

    assertThat(store.replace(rolledBack, legacy.version())).isTrue();

    assertThat(store.get("chat", "legacy")).contains(rolledBack);
    assertThat(store.claimHolder("chat")).isEmpty();
    assertThat(store.create(running("chat", "next"))).isEqualTo(new Created());
  }

  @Test
  void a_rollout_stored_before_claims_existed_ends_without_touching_the_claim_of_a_newer_rollout() {
    RolloutState legacy = legacy("chat", "legacy");
    // Nothing claimed the application for the legacy rollout, so a newer one got the claim.
    assertThat(store.create(running("chat", "newer"))).isEqualTo(new Created());
    RolloutState awaiting = apply(legacy, new RolloutCommand.RequestApproval("wf", "gate", "tok"), T0).state();
    assertThat(store.replace(awaiting, 1)).isTrue();
    RolloutState rejected = apply(awaiting, new RolloutCommand.Reject("alice", "no"), T0).state();

    assertThat(store.replace(rejected, 2)).isTrue();

    assertThat(store.get("chat", "legacy")).contains(rejected);
    assertThat(store.claimHolder("chat")).contains("newer");
    assertThat(store.create(running("chat", "third"))).isEqualTo(new ApplicationBusy("chat", "newer"));
  }

  @Test
  void a_claim_held_by_the_same_rollout_id_does_not_block_its_create() {
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    // Someone removed the state by hand and left the claim: creating r1 again is not "busy".
    dynamo.deleteItem(b -> b.tableName(table).key(Map.of(
        "pk", AttributeValue.fromS(DynamoDbRolloutStore.partitionKey("chat", "r1")), "sk", AttributeValue.fromS("STATE"))));

    assertThat(store.create(r1)).isEqualTo(new Created());

    assertThat(store.get("chat", "r1")).contains(r1);
    assertThat(store.claimHolder("chat")).contains("r1");
  }

  @Test
  void an_ended_rollout_is_stored_without_claiming_its_application() {
    store.create(running("chat", "current"));
    RolloutState ended = apply(running("chat", "ended"), new RolloutCommand.RollBack("ops", "restore"), T0).state();

    assertThat(store.create(ended)).isEqualTo(new Created());

    assertThat(store.get("chat", "ended")).contains(ended);
    assertThat(store.claimHolder("chat")).contains("current");
  }

  /** A running rollout as stored before application claims existed: a STATE item and no claim. */
  private RolloutState legacy(String app, String id) {
    RolloutState s = running(app, id);
    assertThat(store.create(s)).isEqualTo(new Created());
    dynamo.deleteItem(b -> b.tableName(table).key(DynamoDbRolloutStore.claimKey(app)));
    assertThat(store.claimHolder(app)).isEmpty();
    return s;
  }
}
