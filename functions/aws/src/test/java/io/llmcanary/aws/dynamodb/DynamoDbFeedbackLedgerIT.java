package io.llmcanary.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.ports.FeedbackLedger;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.AwsIntegrationTest;
import io.llmcanary.testing.OneRequestAtATime;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The feedback ledger over real HTTP against the emulator: two "containers" (two ledgers) share one table. */
@AwsIntegrationTest
class DynamoDbFeedbackLedgerIT {

  private static final Instant EXPIRES = Instant.parse("2026-12-03T10:00:00Z");
  private static DynamoDbClient dynamo;
  private String table;
  private DynamoDbFeedbackLedger containerA;
  private DynamoDbFeedbackLedger containerB;

  @BeforeAll
  static void clients(AwsEndpoint aws) {
    dynamo = aws.configure(DynamoDbClient.builder())
        // DynamoDB isolates racing writes; moto does not (see OneRequestAtATime).
        .httpClientBuilder(defaults ->
            new OneRequestAtATime(UrlConnectionHttpClient.builder().buildWithDefaults(defaults)))
        .build();
  }

  @AfterAll
  static void close() {
    dynamo.close();
  }

  @BeforeEach
  void table() {
    table = "feedback-" + UUID.randomUUID();
    DynamoDbFeedbackLedger.createTable(dynamo, table);
    containerA = new DynamoDbFeedbackLedger(dynamo, table);
    containerB = new DynamoDbFeedbackLedger(dynamo, table);
  }

  @Test
  void anAnswersFeedbackIsTakenOnceAcrossContainers() {
    assertThat(containerA.firstUse("app", "rollout-7", "req-1", EXPIRES)).isTrue();
    assertThat(containerB.firstUse("app", "rollout-7", "req-1", EXPIRES)).isFalse();
    assertThat(containerA.firstUse("app", "rollout-7", "req-1", EXPIRES)).isFalse();
    assertThat(containerB.firstUse("app", "rollout-7", "req-2", EXPIRES)).isTrue();
    assertThat(containerB.firstUse("app", "rollout-8", "req-1", EXPIRES)).isTrue(); // another rollout's request
  }

  @Test
  void theUseItemCarriesItsExpiryAsTheTablesTtlAttributeAndNoUserId() {
    containerA.firstUse("app", "rollout-7", "req-1", EXPIRES);
    Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
        .key(Map.of("pk", AttributeValue.fromS("use#app#rollout-7#req-1")))).item();
    assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(EXPIRES.getEpochSecond()));
    assertThat(dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().attributeName())
        .isEqualTo("expiresAt");
  }

  @Test
  void theHourlyCapHoldsAcrossContainersPerUserAndPerHour() {
    for (int i = 0; i < 3; i++) {
      DynamoDbFeedbackLedger c = i % 2 == 0 ? containerA : containerB;
      assertThat(c.countWithinCap("app", "rollout-7", "u_aaaa", 490_000, 3, EXPIRES)).isTrue();
    }
    assertThat(containerA.countWithinCap("app", "rollout-7", "u_aaaa", 490_000, 3, EXPIRES)).isFalse();
    assertThat(containerB.countWithinCap("app", "rollout-7", "u_aaaa", 490_000, 3, EXPIRES)).isFalse();
    assertThat(containerB.countWithinCap("app", "rollout-7", "u_bbbb", 490_000, 3, EXPIRES)).isTrue();
    assertThat(containerB.countWithinCap("app", "rollout-7", "u_aaaa", 490_001, 3, EXPIRES)).isTrue();
    Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
        .key(Map.of("pk", AttributeValue.fromS("cap#app#rollout-7#u_aaaa#490000")))).item();
    assertThat(item.get("n").n()).isEqualTo("3"); // refused attempts are not counted
  }

  @Test
  void tenContainersRacingForOneAnswerTakeItOnceAndRacingForTheLastCapSlotOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Callable<Boolean>> uses = IntStream.range(0, 10)
          .<Callable<Boolean>>mapToObj(i -> () -> new DynamoDbFeedbackLedger(dynamo, table)
              .firstUse("app", "rollout-7", "req-race", EXPIRES))
          .toList();
      assertThat(pool.invokeAll(uses).stream().filter(DynamoDbFeedbackLedgerIT::get).count()).isEqualTo(1);
      List<Callable<Boolean>> caps = IntStream.range(0, 10)
          .<Callable<Boolean>>mapToObj(i -> () -> new DynamoDbFeedbackLedger(dynamo, table)
              .countWithinCap("app", "rollout-7", "u_race", 490_000, 4, EXPIRES))
          .toList();
      assertThat(pool.invokeAll(caps).stream().filter(DynamoDbFeedbackLedgerIT::get).count()).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anUnreachableTableIsUnavailableWithoutQuotingTheKey() {
    try (DynamoDbClient nowhere = DynamoDbClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create("http://127.0.0.1:9"))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofMillis(200)).build())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build()) {
      DynamoDbFeedbackLedger ledger = new DynamoDbFeedbackLedger(nowhere, table);
      assertThatThrownBy(() -> ledger.firstUse("app", "rollout-7", "req-secret-id", EXPIRES))
          .isInstanceOf(FeedbackLedger.Unavailable.class)
          .hasMessageContaining(table)
          .hasMessageNotContaining("req-secret-id");
      assertThatThrownBy(() -> ledger.countWithinCap("app", "rollout-7", "u_secret", 1, 3, EXPIRES))
          .isInstanceOf(FeedbackLedger.Unavailable.class)
          .hasMessageNotContaining("u_secret");
    }
  }

  private static boolean get(Future<Boolean> f) {
    try {
      return f.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
