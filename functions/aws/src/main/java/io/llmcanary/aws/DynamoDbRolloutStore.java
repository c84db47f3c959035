package io.llmcanary.aws;

import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Rollout state and audit trail in one DynamoDB table (DESIGN.md §7).
 *
 * <pre>
 * Table (the SAM template declares the same shape; PAY_PER_REQUEST):
 *   pk  S  HASH    ROLLOUT#{application}#{rolloutId}
 *   sk  S  RANGE   STATE                                      the rollout's current state, one item
 *                  AUDIT#{instant}#{sequence}#{random}        one item per audit event
 *       instant: UTC, always 9 fraction digits (2026-11-26T09:15:00.000000000Z), so that text order is time
 *       order; sequence: per-process counter, keeps events of the same instant in append order.
 * GSI "active-rollouts" (projection ALL):
 *   active  S  HASH    "ACTIVE", present only on STATE items of rollouts that are not terminal
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
 * <p>Writes are conditional: {@link #create} only where no state exists; {@link #replace} only where the
 * stored version is still the one the new state was derived from. Of two racing writers exactly one wins;
 * the other gets {@code false}.
 */
public final class DynamoDbRolloutStore implements RolloutStore {

  public static final String ACTIVE_INDEX = "active-rollouts";

  private static final String PK = "pk";
  private static final String SK = "sk";
  private static final String ACTIVE = "active";
  private static final String STATE_SK = "STATE";
  private static final String AUDIT_PREFIX = "AUDIT#";
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
  public boolean create(RolloutState state) {
    try {
      dynamo.putItem(b -> b.tableName(tableName).item(toItem(state))
          .conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", PK)));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      return false;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also false when no state is stored at all. The new state must carry a higher version than the expected
   * one: a write that kept the version would let a second writer from the same version win as well.
   */
  @Override
  public boolean replace(RolloutState next, long expectedVersion) {
    if (next.version() <= expectedVersion) {
      throw new IllegalArgumentException("rollout " + next.rolloutId() + ": new version " + next.version()
          + " must be greater than the expected stored version " + expectedVersion);
    }
    try {
      dynamo.putItem(b -> b.tableName(tableName).item(toItem(next))
          .conditionExpression("attribute_exists(#pk) AND #v = :expected")
          .expressionAttributeNames(Map.of("#pk", PK, "#v", "version"))
          .expressionAttributeValues(Map.of(":expected", n(expectedVersion))));
      return true;
    } catch (ConditionalCheckFailedException lostRace) {
      return false;
    }
  }

  @Override
  public void append(AuditEvent event) {
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
    // Never overwrite an event; with a random suffix in the key this cannot fail in practice.
    dynamo.putItem(b -> b.tableName(tableName).item(item)
        .conditionExpression("attribute_not_exists(#sk)")
        .expressionAttributeNames(Map.of("#sk", SK)));
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
    putIfPresent(item, "pendingAlert", state.pendingAlert());
    if (!state.status().isTerminal()) {
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
        str(item, "pendingAlert"));
  }

  private static AuditEvent toEvent(Map<String, AttributeValue> item) {
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
        str(item, "table"));
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
