package io.llmcanary.aws.dynamodb;

import io.llmcanary.core.ports.FeedbackLedger;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The feedback ledger on a DynamoDB table of its own ({@code FeedbackLedgerTable} in the template): one string key
 * {@code pk}, and {@code expiresAt} (epoch seconds) as the table's TTL attribute, so entries go by themselves.
 *
 * <ul>
 *   <li>once per answer: {@code PutItem} of {@code use#<application>#<rollout>#<requestId>} with
 *       {@code attribute_not_exists(pk)}; a failed condition is the second use, in whichever container;
 *   <li>the hourly cap: {@code UpdateItem} of {@code cap#<application>#<rollout>#<userKey>#<hour>},
 *       {@code ADD n :1} on condition {@code attribute_not_exists(n) OR n < :cap}: the count and the check are one
 *       atomic write, so racing containers cannot both take the last slot.
 * </ul>
 *
 * <p>A key holds the user's keyed pseudonym, never a raw id. DynamoDB deletes expired items lazily (within days), so
 * neither write reads {@code expiresAt}: a cap item's key names its hour, and a use item only has to outlive the
 * token it guards. Any SDK failure other than the condition is {@link FeedbackLedger.Unavailable}.
 */
public final class DynamoDbFeedbackLedger implements FeedbackLedger {

  static final String PK = "pk";
  static final String COUNT = "n";
  static final String EXPIRES_AT = "expiresAt";

  private final DynamoDbClient dynamo;
  private final String tableName;

  public DynamoDbFeedbackLedger(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  /** Creates the table as the template declares it (tests, local emulators). */
  public static void createTable(DynamoDbClient dynamo, String tableName) {
    dynamo.createTable(b -> b.tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S)
            .build())
        .keySchema(KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build()));
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    dynamo.updateTimeToLive(b -> b.tableName(tableName)
        .timeToLiveSpecification(t -> t.enabled(true).attributeName(EXPIRES_AT)));
  }

  @Override
  public boolean countWithinCap(String application, String rolloutId, String userKey, long hourEpoch, int cap,
      Instant expiresAt) {
    String key = "cap#" + application + "#" + rolloutId + "#" + userKey + "#" + hourEpoch;
    try {
      dynamo.updateItem(b -> b.tableName(tableName)
          .key(Map.of(PK, AttributeValue.fromS(key)))
          .updateExpression("ADD #n :one SET #e = if_not_exists(#e, :exp)")
          .conditionExpression("attribute_not_exists(#n) OR #n < :cap")
          .expressionAttributeNames(Map.of("#n", COUNT, "#e", EXPIRES_AT))
          .expressionAttributeValues(Map.of(
              ":one", AttributeValue.fromN("1"),
              ":cap", AttributeValue.fromN(Integer.toString(cap)),
              ":exp", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean firstUse(String application, String rolloutId, String requestId, Instant expiresAt) {
    String key = "use#" + application + "#" + rolloutId + "#" + requestId;
    try {
      dynamo.putItem(b -> b.tableName(tableName)
          .item(Map.of(PK, AttributeValue.fromS(key),
              EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond()))))
          .conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", PK)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw unavailable(e);
    }
  }

  private Unavailable unavailable(SdkException e) {
    // The exception class only: an SDK message may quote the key, which holds a request id and a pseudonym.
    return new Unavailable("the feedback ledger table " + tableName + " could not be written ("
        + e.getClass().getSimpleName() + ")", e);
  }
}
