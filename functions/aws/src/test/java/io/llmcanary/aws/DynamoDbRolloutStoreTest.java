package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.ports.RolloutStore.CreateResult;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

class DynamoDbRolloutStoreTest {

  @Test
  void audit_keys_sort_as_text_in_time_order_whatever_the_fraction_of_a_second() {
    Instant t = Instant.parse("2026-11-26T09:15:00Z");
    List<Instant> inOrder = List.of(t, t.plusNanos(1), t.plusMillis(500), t.plusSeconds(1), t.plusSeconds(1).plusNanos(1));

    List<String> keys = inOrder.stream().map(DynamoDbRolloutStore::sortableInstant).toList();

    // Instant.toString would give "…:00Z" after "…:00.5Z" in text order; the fixed width keeps time order.
    assertThat(keys).isSorted().doesNotHaveDuplicates();
    assertThat(keys.get(0)).isEqualTo("2026-11-26T09:15:00.000000000Z");
  }

  @Test
  void the_partition_key_names_application_and_rollout() {
    assertThat(DynamoDbRolloutStore.partitionKey("chat", "concise-2026-11-26")).isEqualTo("ROLLOUT#chat#concise-2026-11-26");
  }

  @Test
  void an_application_name_with_the_key_separator_is_refused() {
    // "a#b" + "c" and "a" + "b#c" would share one key.
    assertThatThrownBy(() -> DynamoDbRolloutStore.partitionKey("a#b", "c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DynamoDbRolloutStore.partitionKey("chat", " ")).isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------------------------ claims
  // What moto cannot show: the request shapes as DynamoDB reads them, and the answers moto never gives
  // (TransactionConflict, a refusal without the old item). The ITs show the behaviour against moto.

  private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

  private static RolloutState running(String id) {
    return RolloutState.start("chat", id, StagePlan.DEFAULT, T0, null);
  }

  private static TransactionCanceledException cancelled(CancellationReason... reasons) {
    return TransactionCanceledException.builder().message("Transaction cancelled").cancellationReasons(reasons).build();
  }

  private static CancellationReason reason(String code) {
    return CancellationReason.builder().code(code).build();
  }

  @Test
  void a_create_writes_the_state_and_a_claim_without_the_index_attribute_in_one_transaction() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");

    assertThat(store.create(running("r1"))).isEqualTo(new CreateResult.Created());

    TransactWriteItemsRequest request = dynamo.transactions.getFirst();
    assertThat(request.clientRequestToken()).isNotBlank();
    assertThat(request.transactItems()).hasSize(2);
    Put state = request.transactItems().get(0).put();
    assertThat(state.item().get("pk").s()).isEqualTo("ROLLOUT#chat#r1");
    assertThat(state.conditionExpression()).isEqualTo("attribute_not_exists(#pk)");
    Put claim = request.transactItems().get(1).put();
    assertThat(claim.item()).containsEntry("pk", AttributeValue.fromS("APP#chat"))
        .containsEntry("sk", AttributeValue.fromS("ACTIVE")).containsEntry("rolloutId", AttributeValue.fromS("r1"))
        .doesNotContainKey("active");
    assertThat(claim.conditionExpression()).isEqualTo("attribute_not_exists(#pk) OR #rid = :id");
    assertThat(claim.expressionAttributeValues()).containsEntry(":id", AttributeValue.fromS("r1"));
    assertThat(claim.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
  }

  @Test
  void a_create_that_collides_with_a_transaction_in_flight_is_tried_again_with_a_new_token() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    dynamo.answers.add(cancelled(reason("None"), reason("TransactionConflict")));
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");

    assertThat(store.create(running("r1"))).isEqualTo(new CreateResult.Created());

    assertThat(dynamo.transactions).hasSize(2);
    assertThat(dynamo.transactions.get(0).clientRequestToken()).isNotEqualTo(dynamo.transactions.get(1).clientRequestToken());
  }

  @Test
  void a_create_that_keeps_colliding_gives_up_naming_the_application() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    for (int i = 0; i < 5; i++) {
      dynamo.answers.add(cancelled(reason("None"), reason("TransactionConflict")));
    }
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");

    assertThatThrownBy(() -> store.create(running("r1"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("claim of application chat").hasMessageContaining("TransactionConflict");
    assertThat(dynamo.transactions).hasSize(5);
  }

  @Test
  void a_refused_claim_names_its_holder_from_the_old_item_or_else_reads_it_back() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    dynamo.answers.add(cancelled(reason("None"), reason("ConditionalCheckFailed").toBuilder()
        .item(Map.of("rolloutId", AttributeValue.fromS("holder-from-item"))).build()));
    dynamo.answers.add(cancelled(reason("None"), reason("ConditionalCheckFailed")));
    dynamo.claim = Map.of("pk", AttributeValue.fromS("APP#chat"), "rolloutId", AttributeValue.fromS("holder-read-back"));
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");

    assertThat(store.create(running("r2"))).isEqualTo(new CreateResult.ApplicationBusy("chat", "holder-from-item"));
    assertThat(store.create(running("r2"))).isEqualTo(new CreateResult.ApplicationBusy("chat", "holder-read-back"));
  }

  @Test
  void a_taken_id_wins_over_a_busy_application() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    dynamo.answers.add(cancelled(reason("ConditionalCheckFailed"), reason("ConditionalCheckFailed")));
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");

    assertThat(store.create(running("r1"))).isEqualTo(new CreateResult.IdTaken("r1"));
  }

  @Test
  void a_non_terminal_replace_is_one_conditional_put_and_leaves_the_claim_alone() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");
    RolloutState r1 = running("r1");

    assertThat(store.replace(r1.withExecutionArn("arn:x"), r1.version())).isTrue();

    assertThat(dynamo.transactions).isEmpty();
    assertThat(dynamo.puts).singleElement().satisfies(p -> {
      assertThat(p.conditionExpression()).isEqualTo("attribute_exists(#pk) AND #v = :expected");
      assertThat(p.item()).containsEntry("active", AttributeValue.fromS("ACTIVE"));
    });
  }

  @Test
  void a_put_that_meets_another_writers_transaction_on_the_state_counts_as_a_lost_race() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    dynamo.putAnswer = TransactionConflictException.builder().message("Transaction is ongoing for the item").build();
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");
    RolloutState r1 = running("r1");

    assertThat(store.replace(r1.withExecutionArn("arn:x"), r1.version())).isFalse();
  }

  @Test
  void a_terminal_replace_puts_the_state_and_deletes_a_claim_that_is_absent_or_its_own_in_one_transaction() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");
    RolloutState r1 = running("r1");
    RolloutState rolledBack = ((Transition.Applied) RolloutStateMachine.apply(r1,
        new RolloutCommand.RollBack("hc", "errors"), T0)).state();

    assertThat(store.replace(rolledBack, r1.version())).isTrue();

    TransactWriteItemsRequest request = dynamo.transactions.getFirst();
    Put state = request.transactItems().get(0).put();
    assertThat(state.conditionExpression()).isEqualTo("attribute_exists(#pk) AND #v = :expected");
    assertThat(state.expressionAttributeValues()).containsEntry(":expected", AttributeValue.fromN("1"));
    assertThat(state.item()).doesNotContainKey("active");
    Delete release = request.transactItems().get(1).delete();
    assertThat(release.key()).isEqualTo(Map.of("pk", AttributeValue.fromS("APP#chat"), "sk", AttributeValue.fromS("ACTIVE")));
    assertThat(release.conditionExpression()).isEqualTo("attribute_not_exists(#pk) OR #rid = :id");
    assertThat(release.expressionAttributeValues()).containsEntry(":id", AttributeValue.fromS("r1"));
    assertThat(dynamo.puts).isEmpty();
  }

  @Test
  void a_terminal_replace_whose_claim_another_rollout_holds_falls_back_to_the_versioned_put() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    dynamo.answers.add(cancelled(reason("None"), reason("ConditionalCheckFailed")));
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");
    RolloutState legacy = running("legacy");
    RolloutState rolledBack = ((Transition.Applied) RolloutStateMachine.apply(legacy,
        new RolloutCommand.RollBack("hc", "errors"), T0)).state();

    assertThat(store.replace(rolledBack, legacy.version())).isTrue();

    assertThat(dynamo.puts).singleElement().satisfies(p -> {
      assertThat(p.item().get("status").s()).isEqualTo("ROLLED_BACK");
      assertThat(p.conditionExpression()).isEqualTo("attribute_exists(#pk) AND #v = :expected");
    });
  }

  @Test
  void a_terminal_replace_from_a_stale_version_is_lost_whatever_the_claim() {
    ScriptedDynamo dynamo = new ScriptedDynamo();
    dynamo.answers.add(cancelled(reason("ConditionalCheckFailed"), reason("ConditionalCheckFailed")));
    DynamoDbRolloutStore store = new DynamoDbRolloutStore(dynamo, "rollouts");
    RolloutState r1 = running("r1");
    RolloutState rolledBack = ((Transition.Applied) RolloutStateMachine.apply(r1,
        new RolloutCommand.RollBack("hc", "errors"), T0)).state();

    assertThat(store.replace(rolledBack, r1.version())).isFalse();
    assertThat(dynamo.puts).isEmpty();
  }

  @Test
  void the_claim_key_names_the_application_and_refuses_the_key_separator() {
    assertThat(DynamoDbRolloutStore.claimPartitionKey("chat")).isEqualTo("APP#chat");
    assertThatThrownBy(() -> DynamoDbRolloutStore.claimPartitionKey("a#b")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Records what the store sends; transactions answer the queued cancellations, then succeed. */
  private static final class ScriptedDynamo implements DynamoDbClient {
    final List<TransactWriteItemsRequest> transactions = new ArrayList<>();
    final List<PutItemRequest> puts = new ArrayList<>();
    final Deque<TransactionCanceledException> answers = new ArrayDeque<>();
    Map<String, AttributeValue> claim = Map.of();
    RuntimeException putAnswer;

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
      transactions.add(request);
      if (!answers.isEmpty()) {
        throw answers.removeFirst();
      }
      return TransactWriteItemsResponse.builder().build();
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
      puts.add(request);
      if (putAnswer != null) {
        throw putAnswer;
      }
      return PutItemResponse.builder().build();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      assertThat(request.consistentRead()).isTrue();
      assertThat(request.key()).containsEntry("pk", AttributeValue.fromS("APP#chat"));
      return GetItemResponse.builder().item(claim).build();
    }

    @Override
    public String serviceName() {
      return SERVICE_NAME;
    }

    @Override
    public void close() {}
  }
}
