package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

@AwsIntegrationTest
class DynamoDbRolloutStoreIT {

  private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");
  /** Every failure the SDK saw, to show why a write was refused. */
  private static final List<Throwable> FAILURES = new CopyOnWriteArrayList<>();

  private static DynamoDbClient dynamo;
  private DynamoDbRolloutStore store;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    dynamo = aws.configure(DynamoDbClient.builder())
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
    String table = "rollouts-" + UUID.randomUUID();
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
        "gate passed", "{\"kind\":\"APPROVAL_NEEDED\"}");

    assertThat(store.create(state)).isTrue();

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
    assertThat(FAILURES).hasSize(candidates.size() - 1).allMatch(e -> e instanceof ConditionalCheckFailedException);
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
  void creating_a_rollout_whose_id_exists_is_refused_and_keeps_the_first() {
    RolloutState first = running("chat", "r1");
    RolloutState second = RolloutState.start("chat", "r1", new StagePlan(List.of(50.0, 100.0)), T0.plusSeconds(5), null);

    assertThat(store.create(first)).isTrue();
    assertThat(store.create(second)).isFalse();

    assertThat(FAILURES).singleElement().isInstanceOf(ConditionalCheckFailedException.class);
    assertThat(store.get("chat", "r1")).contains(first);
  }

  @Test
  void the_audit_trail_comes_back_oldest_first_and_only_for_its_rollout() {
    RolloutState s = running("chat", "r1");
    store.create(s);
    AuditEvent started = new AuditEvent("chat", "r1", T0, "ops", "TRANSITION", null, RolloutStatus.RUNNING, 0, "started", null);
    AuditEvent verdict = AuditEvent.decision(s, T0.plusSeconds(900), "health-check", "VERDICT", "HEALTHY",
        "Metric  Stable  Canary  Diff\navg_quality  0.870  0.871  +0.1%");
    AuditEvent halfSecond = AuditEvent.decision(s, T0.plusMillis(900_500), "health-check", "VERDICT", "INCONCLUSIVE", null);
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
    assertThat(store.history("chat", "none")).isEmpty();
  }

  @Test
  void active_lists_only_rollouts_that_are_not_terminal() {
    RolloutState running = running("chat", "running");
    RolloutState waiting = apply(running("chat", "waiting"),
        new RolloutCommand.RequestApproval("workflow", "gate passed", "tok"), T0).state();
    RolloutState otherApp = running("search", "running");
    for (RolloutState s : List.of(running, waiting, otherApp)) {
      assertThat(store.create(s)).isTrue();
    }
    RolloutState rolledBack = running("chat", "rolled-back");
    store.create(rolledBack);
    store.replace(apply(rolledBack, new RolloutCommand.RollBack("health-check", "regression"), T0).state(), 1);
    RolloutState promoted = RolloutState.start("chat", "promoted", new StagePlan(List.of(100.0)), T0, null);
    store.create(promoted);
    store.replace(apply(promoted, new RolloutCommand.Finalize("workflow", "done"), T0).state(), 1);
    RolloutState rejected = running("chat", "rejected");
    store.create(rejected);
    RolloutState awaiting = apply(rejected, new RolloutCommand.RequestApproval("wf", "gate", "tok"), T0).state();
    store.replace(awaiting, 1);
    store.replace(apply(awaiting, new RolloutCommand.Reject("alice", "not convinced"), T0).state(), 2);

    List<RolloutState> active = store.active();

    assertThat(active).containsExactlyInAnyOrder(running, waiting, otherApp);
  }
}
