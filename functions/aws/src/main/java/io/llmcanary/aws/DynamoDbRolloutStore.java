package io.llmcanary.aws;

import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.ports.RolloutStore.CreateResult;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Rollout state, application claims and audit trail in one DynamoDB table (docs/architecture.md#rollout-state).
 *
 * <pre>
 * Table (the SAM template declares the same shape; PAY_PER_REQUEST):
 *   pk  S  HASH    ROLLOUT#{application}#{rolloutId}
 *   sk  S  RANGE   STATE                                      the rollout's current state, one item
 *                  AUDIT#{instant}#{sequence}#{random}        one item per audit event
 *       instant: UTC, always 9 fraction digits (2026-11-26T09:15:00.000000000Z), so that text order is time
 *       order; sequence: per-process counter, keeps events of the same instant in append order.
 *   pk  S  HASH    APP#{application}
 *   sk  S  RANGE   ACTIVE                                     the application's claim: present while a rollout that
 *                                                             is not terminal holds it; attribute rolloutId names it
 * GSI "active-rollouts" (projection ALL):
 *   active  S  HASH    "ACTIVE", present only on STATE items of rollouts that are not terminal or still owe work
 *   pk      S  RANGE
 * </pre>
 *
 * <p>Why a sparse index for {@link #active()}: the health check asks for active rollouts every 15 minutes,
 * and a Scan would read every state item and every audit event ever written, a cost that grows with
 * history. The index holds only the handful of running rollouts, and a terminal transition removes the
 * item from it by dropping the attribute. The single "ACTIVE" partition is fine at this volume (a few items,
 * a few writes a day). Index reads are eventually consistent: a rollout that just ended may still be listed
 * for a moment, which is harmless because every transition re-reads with {@link #get} and writes
 * conditionally.
 *
 * <p>Why a claim item: "one rollout at a time per application" cannot rest on that index (two starts can both
 * read it empty), nor on the STATE item's condition (it is keyed by rollout id, so two ids never collide). The
 * claim is keyed by application, so every rollout of an application competes for the same item:
 * {@link #create} writes STATE and claim in one TransactWriteItems, the claim conditioned on being absent or
 * already this rollout's; a {@link #replace} into a terminal status writes STATE and deletes the claim in one
 * transaction. The claim has no {@code active} attribute, so the index never sees it.
 *
 * <p>Rollouts stored before claims existed have none. Their terminal replace still works: the claim's delete is
 * conditioned on "absent or mine", and when a newer rollout holds the claim the replace falls back to the plain
 * versioned write, leaving that claim alone. Until such a rollout ends, only the {@link #active()} check of the
 * caller guards its application, as before.
 *
 * <p>Writes are conditional: {@link #create} only where no state exists; {@link #replace} only where the
 * stored version is still the one the new state was derived from. Of two racing writers exactly one wins;
 * the other gets {@code false} (or a refusing {@link CreateResult}). A transaction that collides with another
 * one in flight on the same items (TransactionConflict) is tried again a few times, each try with a new client
 * request token so that the SDK's own retries of one try are idempotent.
 */
public final class DynamoDbRolloutStore implements RolloutStore {

  public static final String ACTIVE_INDEX = "active-rollouts";

  private static final String PK = "pk";
  private static final String SK = "sk";
  private static final String ACTIVE = "active";
  private static final String STATE_SK = "STATE";
  private static final String AUDIT_PREFIX = "AUDIT#";
  private static final String CLAIM_PREFIX = "APP#";
  private static final String CLAIM_SK = "ACTIVE";
  private static final String CLAIM_HOLDER = "rolloutId";
  private static final String CONDITION_FAILED = "ConditionalCheckFailed";
  private static final String TRANSACTION_CONFLICT = "TransactionConflict";
  /** Tries of a transaction that keeps colliding with others in flight before giving up. */
  private static final int MAX_TRANSACTION_TRIES = 5;
  private static final DateTimeFormatter SORTABLE_INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final DynamoDbClient dynamo;
  private final String tableName;

  public DynamoDbRolloutStore(DynamoDbClient dynamo, String tableName) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.tableName = Objects.requireNonNull(tableName, "tableName");
  }

  /** Creates the table and its index as described above and waits until it exists (tests, local runs). */
  public static void createTable(DynamoDbClient dynamo, String tableName) {
    dynamo.createTable(b -> b.tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(stringAttribute(PK), stringAttribute(SK), stringAttribute(ACTIVE))
        .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
            .indexName(ACTIVE_INDEX)
            .keySchema(key(ACTIVE, KeyType.HASH), key(PK, KeyType.RANGE))
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
            .build()));
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
  }

  @Override
  public Optional<RolloutState> get(String application, String rolloutId) {
    Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true)
        .key(Map.of(PK, s(partitionKey(application, rolloutId)), SK, s(STATE_SK)))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toState(item));
  }

  @Override
  public List<RolloutState> active() {
    QueryRequest query = QueryRequest.builder().tableName(tableName).indexName(ACTIVE_INDEX)
        .keyConditionExpression("#a = :active")
        .expressionAttributeNames(Map.of("#a", ACTIVE))
        .expressionAttributeValues(Map.of(":active", s("ACTIVE")))
        .build();
    List<RolloutState> states = new ArrayList<>();
    dynamo.queryPaginator(query).items().forEach(item -> states.add(toState(item)));
    return states;
  }

  @Override
  public CreateResult create(RolloutState state) {
    String app = state.application();
    String id = state.rolloutId();
    Put putState = Put.builder().tableName(tableName).item(toItem(state))
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", PK))
        .build();
    if (state.status().isTerminal()) {
      // A finished rollout (a saved one restored) claims nothing and waits for nobody.
      try {
        dynamo.putItem(b -> b.tableName(tableName).item(putState.item())
            .conditionExpression(putState.conditionExpression())
            .expressionAttributeNames(putState.expressionAttributeNames()));
        return new CreateResult.Created();
      } catch (ConditionalCheckFailedException exists) {
        return new CreateResult.IdTaken(id);
      }
    }
    Put putClaim = Put.builder().tableName(tableName).item(claimItem(state))
        .conditionExpression("attribute_not_exists(#pk) OR #rid = :id")
        .expressionAttributeNames(Map.of("#pk", PK, "#rid", CLAIM_HOLDER))
        .expressionAttributeValues(Map.of(":id", s(id)))
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .build();
    for (int attempt = 1; ; attempt++) {
      TransactionCanceledException cancelled;
      try {
        transact(TransactWriteItem.builder().put(putState).build(), TransactWriteItem.builder().put(putClaim).build());
        return new CreateResult.Created();
      } catch (TransactionCanceledException e) {
        cancelled = e;
      }
      if (failedCondition(cancelled, 0)) {
        return new CreateResult.IdTaken(id);
      }
      if (failedCondition(cancelled, 1)) {
        CancellationReason claim = cancelled.cancellationReasons().get(1);
        String holder = claim.hasItem() ? str(claim.item(), CLAIM_HOLDER) : claimHolder(app).orElse(null);
        if (holder != null && !holder.equals(id)) {
          return new CreateResult.ApplicationBusy(app, holder);
        }
        // The holder gave the claim back between our write and our read: try again.
      } else if (!conflicted(cancelled)) {
        throw cancelled;
      }
      if (attempt == MAX_TRANSACTION_TRIES) {
        throw new IllegalStateException("cannot create rollout " + id + ": the claim of application " + app
            + " kept changing under " + attempt + " tries (" + reasons(cancelled) + "); try again", cancelled);
      }
      pause(attempt);
    }
  }

  /** The rollout that holds the application's claim, read consistently; empty when nobody does. */
  Optional<String> claimHolder(String application) {
    Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tableName).consistentRead(true)
        .key(claimKey(application))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, CLAIM_HOLDER));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also false when no state is stored at all. The new state must carry a higher version than the expected
   * one: a write that kept the version would let a second writer from the same version win as well. A terminal
   * {@code next} is one transaction: the versioned Put of STATE and the Delete of the claim, conditioned on the
   * claim being absent (a rollout stored before claims, or one that ended already) or held by this rollout.
   */
  @Override
  public boolean replace(RolloutState next, long expectedVersion, AuditEvent event) {
    if (next.version() <= expectedVersion) {
      throw new IllegalArgumentException("rollout " + next.rolloutId() + ": new version " + next.version()
          + " must be greater than the expected stored version " + expectedVersion);
    }
    Put putState = Put.builder().tableName(tableName).item(toItem(next))
        .conditionExpression("attribute_exists(#pk) AND #v = :expected")
        .expressionAttributeNames(Map.of("#pk", PK, "#v", "version"))
        .expressionAttributeValues(Map.of(":expected", n(expectedVersion)))
        .build();
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(TransactWriteItem.builder().put(putState).build());
    if (event != null) {
      // The audit event of this write, in the same transaction (docs/architecture.md#rollout-state): never a change without its record.
      items.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(auditItem(event))
          .conditionExpression("attribute_not_exists(#sk)").expressionAttributeNames(Map.of("#sk", SK)).build())
          .build());
    }
    if (!next.status().isTerminal()) {
      return event == null ? putIfVersion(putState) : transactIfVersion(next, items);
    }
    Delete releaseClaim = Delete.builder().tableName(tableName).key(claimKey(next.application()))
        .conditionExpression("attribute_not_exists(#pk) OR #rid = :id")
        .expressionAttributeNames(Map.of("#pk", PK, "#rid", CLAIM_HOLDER))
        .expressionAttributeValues(Map.of(":id", s(next.rolloutId())))
        .build();
    for (int attempt = 1; ; attempt++) {
      TransactionCanceledException cancelled;
      try {
        List<TransactWriteItem> all = new ArrayList<>(items);
        all.add(TransactWriteItem.builder().delete(releaseClaim).build());
        transact(all.toArray(TransactWriteItem[]::new));
        return true;
      } catch (TransactionCanceledException e) {
        cancelled = e;
      }
      if (failedCondition(cancelled, 0)) {
        return false; // another writer won, or there is no such rollout
      }
      if (failedCondition(cancelled, items.size())) {
        // Another rollout holds the claim (this one predates claims): not ours to give back. Once this rollout's
        // STATE exists its id can never take the claim, so the versioned write (with its event) is all that is left.
        return event == null ? putIfVersion(putState) : transactIfVersion(next, items);
      }
      if (!conflicted(cancelled)) {
        throw cancelled;
      }
      if (attempt == MAX_TRANSACTION_TRIES) {
        throw new IllegalStateException("cannot end rollout " + next.rolloutId() + ": its state or the claim of"
            + " application " + next.application() + " stayed in other transactions for " + attempt + " tries ("
            + reasons(cancelled) + "); try again", cancelled);
      }
      pause(attempt);
    }
  }

  /** The versioned STATE put with the other items, in one transaction; false when the version condition failed. */
  private boolean transactIfVersion(RolloutState next, List<TransactWriteItem> items) {
    for (int attempt = 1; ; attempt++) {
      try {
        transact(items.toArray(TransactWriteItem[]::new));
        return true;
      } catch (TransactionCanceledException e) {
        if (failedCondition(e, 0)) {
          return false;
        }
        if (!conflicted(e)) {
          throw e;
        }
        if (attempt == MAX_TRANSACTION_TRIES) {
          return false; // as good as lost: the caller reads again and decides again
        }
        pause(attempt);
      }
    }
  }

  private boolean putIfVersion(Put put) {
    try {
      dynamo.putItem(b -> b.tableName(tableName).item(put.item()).conditionExpression(put.conditionExpression())
          .expressionAttributeNames(put.expressionAttributeNames())
          .expressionAttributeValues(put.expressionAttributeValues()));
      return true;
    } catch (ConditionalCheckFailedException lostRace) {
      return false;
    } catch (TransactionConflictException inAnotherTransaction) {
      // Another writer's transaction (a terminal replace) holds the state right now: as good as lost; the caller
      // reads again and decides again.
      return false;
    }
  }

  private void transact(TransactWriteItem... items) {
    // A token per try: the SDK's retries of this request (after a timeout, say) are then idempotent, and a
    // success whose answer was lost does not come back as "id taken".
    dynamo.transactWriteItems(b -> b.transactItems(items).clientRequestToken(UUID.randomUUID().toString()));
  }

  /** Whether the transaction's item at {@code index} failed its condition. */
  private static boolean failedCondition(TransactionCanceledException e, int index) {
    return e.hasCancellationReasons() && e.cancellationReasons().size() > index
        && CONDITION_FAILED.equals(e.cancellationReasons().get(index).code());
  }

  /** Whether the transaction lost to another one in flight on the same items (worth another try). */
  private static boolean conflicted(TransactionCanceledException e) {
    return e.hasCancellationReasons()
        && e.cancellationReasons().stream().anyMatch(r -> TRANSACTION_CONFLICT.equals(r.code()));
  }

  private static String reasons(TransactionCanceledException e) {
    return e.hasCancellationReasons()
        ? e.cancellationReasons().stream().map(CancellationReason::code).toList().toString()
        : e.getMessage();
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(10, 40) * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to try a DynamoDB transaction again", e);
    }
  }

  @Override
  public void append(AuditEvent event) {
    Map<String, AttributeValue> item = auditItem(event);
    // Never overwrite an event; with a random suffix in the key this cannot fail in practice.
    dynamo.putItem(b -> b.tableName(tableName).item(item)
        .conditionExpression("attribute_not_exists(#sk)")
        .expressionAttributeNames(Map.of("#sk", SK)));
  }

  private static Map<String, AttributeValue> auditItem(AuditEvent event) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(partitionKey(event.application(), event.rolloutId())));
    item.put(SK, s(AUDIT_PREFIX + SORTABLE_INSTANT.format(event.at()) + "#"
        + String.format("%012d#%016x", SEQUENCE.incrementAndGet(), ThreadLocalRandom.current().nextLong())));
    item.put("application", s(event.application()));
    item.put("rolloutId", s(event.rolloutId()));
    item.put("at", s(event.at().toString()));
    putIfPresent(item, "actor", event.actor());
    putIfPresent(item, "type", event.type());
    putIfPresent(item, "fromStatus", event.fromStatus() == null ? null : event.fromStatus().name());
    putIfPresent(item, "toStatus", event.toStatus() == null ? null : event.toStatus().name());
    item.put("stageIndex", n(event.stageIndex()));
    putIfPresent(item, "reason", event.reason());
    putIfPresent(item, "table", event.table());
    putIfPresent(item, "outcome", event.outcome() == null ? null : event.outcome().name());
    return item;
  }

  @Override
  public List<AuditEvent> history(String application, String rolloutId) {
    QueryRequest query = QueryRequest.builder().tableName(tableName).consistentRead(true)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :audit)")
        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
        .expressionAttributeValues(Map.of(":pk", s(partitionKey(application, rolloutId)), ":audit", s(AUDIT_PREFIX)))
        .scanIndexForward(true)
        .build();
    List<AuditEvent> events = new ArrayList<>();
    dynamo.queryPaginator(query).items().forEach(item -> events.add(toEvent(item)));
    return events;
  }

  static String partitionKey(String application, String rolloutId) {
    if (application == null || application.isBlank() || application.indexOf('#') >= 0) {
      // '#' separates the key's parts; in the application name it would make two rollouts share a key.
      throw new IllegalArgumentException("application must be non-blank and contain no '#': " + application);
    }
    if (rolloutId == null || rolloutId.isBlank()) {
      throw new IllegalArgumentException("rolloutId must be non-blank");
    }
    return "ROLLOUT#" + application + "#" + rolloutId;
  }

  static String claimPartitionKey(String application) {
    if (application == null || application.isBlank() || application.indexOf('#') >= 0) {
      throw new IllegalArgumentException("application must be non-blank and contain no '#': " + application);
    }
    return CLAIM_PREFIX + application;
  }

  static Map<String, AttributeValue> claimKey(String application) {
    return Map.of(PK, s(claimPartitionKey(application)), SK, s(CLAIM_SK));
  }

  /** The claim of {@code state}'s application for it; no {@code active} attribute, so the index never lists it. */
  private static Map<String, AttributeValue> claimItem(RolloutState state) {
    Map<String, AttributeValue> item = new HashMap<>(claimKey(state.application()));
    item.put("application", s(state.application()));
    item.put(CLAIM_HOLDER, s(state.rolloutId()));
    item.put("claimedAt", s(state.createdAt().toString()));
    return item;
  }

  static String sortableInstant(Instant instant) {
    return SORTABLE_INSTANT.format(instant);
  }

  private static Map<String, AttributeValue> toItem(RolloutState state) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(partitionKey(state.application(), state.rolloutId())));
    item.put(SK, s(STATE_SK));
    item.put("application", s(state.application()));
    item.put("rolloutId", s(state.rolloutId()));
    item.put("status", s(state.status().name()));
    item.put("stages", AttributeValue.fromL(state.plan().percents().stream().map(p -> n(p)).toList()));
    item.put("stageIndex", n(state.stageIndex()));
    item.put("version", n(state.version()));
    item.put("createdAt", s(state.createdAt().toString()));
    item.put("stageStartedAt", s(state.stageStartedAt().toString()));
    item.put("updatedAt", s(state.updatedAt().toString()));
    putIfPresent(item, "executionArn", state.executionArn());
    putIfPresent(item, "taskToken", state.taskToken());
    putIfPresent(item, "reason", state.reason());
    if (state.owes()) {
      item.put("owed", AttributeValue.fromL(state.owed().stream().map(DynamoDbRolloutStore::owedItem).toList()));
    }
    // Listed by the index while it runs, and after it ended while it still owes work (whoever finds it finishes it).
    if (!state.status().isTerminal() || state.owes()) {
      item.put(ACTIVE, s("ACTIVE"));
    }
    return item;
  }

  private static RolloutState toState(Map<String, AttributeValue> item) {
    List<Double> stages = item.get("stages").l().stream().map(v -> Double.parseDouble(v.n())).toList();
    return new RolloutState(
        str(item, "application"),
        str(item, "rolloutId"),
        RolloutStatus.valueOf(str(item, "status")),
        new StagePlan(stages),
        Integer.parseInt(item.get("stageIndex").n()),
        Long.parseLong(item.get("version").n()),
        Instant.parse(str(item, "createdAt")),
        Instant.parse(str(item, "stageStartedAt")),
        Instant.parse(str(item, "updatedAt")),
        str(item, "executionArn"),
        str(item, "taskToken"),
        str(item, "reason"),
        owed(item.get("owed")));
  }

  /** One owed step as a map attribute, readable in the DynamoDB console. */
  static AttributeValue owedItem(OwedStep step) {
    Map<String, AttributeValue> m = new HashMap<>();
    switch (step) {
      case OwedStep.ZeroCanary z -> {
        m.put("type", s("ZeroCanary"));
        m.put("description", s(z.description()));
      }
      case OwedStep.PromoteCanary p -> {
        m.put("type", s("PromoteCanary"));
        m.put("description", s(p.description()));
      }
      case OwedStep.SendAlert a -> {
        m.put("type", s("SendAlert"));
        m.put("kind", s(a.alert().kind().name()));
        m.put("application", s(a.alert().application()));
        m.put("rolloutId", s(a.alert().rolloutId()));
        m.put("subject", s(a.alert().subject()));
        m.put("body", s(a.alert().body()));
      }
      case OwedStep.FailApprovalTask f -> {
        m.put("type", s("FailApprovalTask"));
        m.put("taskToken", s(f.taskToken()));
        m.put("error", s(f.error()));
        m.put("cause", s(f.cause()));
        m.put("attempts", n(f.attempts()));
      }
    }
    return AttributeValue.fromM(m);
  }

  static List<OwedStep> owed(AttributeValue list) {
    if (list == null || !list.hasL()) {
      return List.of();
    }
    List<OwedStep> out = new ArrayList<>();
    for (AttributeValue v : list.l()) {
      Map<String, AttributeValue> m = v.m();
      String type = str(m, "type");
      out.add(switch (type == null ? "" : type) {
        case "ZeroCanary" -> new OwedStep.ZeroCanary(str(m, "description"));
        case "PromoteCanary" -> new OwedStep.PromoteCanary(str(m, "description"));
        case "SendAlert" -> new OwedStep.SendAlert(new Alert(Alert.Kind.valueOf(str(m, "kind")), str(m, "application"),
            str(m, "rolloutId"), str(m, "subject"), str(m, "body")));
        case "FailApprovalTask" -> new OwedStep.FailApprovalTask(str(m, "taskToken"), str(m, "error"),
            str(m, "cause"), Integer.parseInt(m.get("attempts").n()));
        default -> throw new IllegalStateException("unknown owed step type '" + type + "' in the rollout state");
      });
    }
    return out;
  }

  private static AuditEvent toEvent(Map<String, AttributeValue> item) {
    String outcome = str(item, "outcome");
    String from = str(item, "fromStatus");
    String to = str(item, "toStatus");
    return new AuditEvent(
        str(item, "application"),
        str(item, "rolloutId"),
        Instant.parse(str(item, "at")),
        str(item, "actor"),
        str(item, "type"),
        from == null ? null : RolloutStatus.valueOf(from),
        to == null ? null : RolloutStatus.valueOf(to),
        Integer.parseInt(item.get("stageIndex").n()),
        str(item, "reason"),
        str(item, "table"),
        outcome == null ? null : Outcome.valueOf(outcome));
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private static AttributeValue n(double value) {
    // Plain notation: 0.0001, not Double.toString's 1.0E-4.
    return AttributeValue.fromN(BigDecimal.valueOf(value).toPlainString());
  }

  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
