package io.llmcanary.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@AwsIntegrationTest
class AwsEndpointExtensionIT {

  private static DynamoDbClient dynamo;

  @BeforeAll
  static void setUp(AwsEndpoint aws) {
    dynamo = aws.client(DynamoDbClient.builder());
  }

  @AfterAll
  static void tearDown() {
    if (dynamo != null) {
      dynamo.close();
    }
  }

  @Test
  void every_test_of_the_jvm_gets_the_same_endpoint_and_a_client_that_reaches_it(AwsEndpoint aws, AwsEndpoint again) {
    assertThat(again).isSameAs(aws);
    assertThat(aws.uri().getScheme()).isEqualTo("http");
    assertThat(aws.region().id()).isEqualTo("us-east-1");

    String table = "probe-" + UUID.randomUUID();
    dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));

    assertThat(dynamo.listTables().tableNames()).contains(table);
  }

  @Test
  void moto_accepts_its_config_and_reset_calls(AwsEndpoint aws) {
    assumeTrue(aws.source() == AwsEndpoint.Source.MOTO, "moto API only: this endpoint is " + aws);
    String table = "reset-" + UUID.randomUUID();
    dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));

    aws.enableStepFunctionsExecution();
    aws.resetMoto();

    assertThat(dynamo.listTables().tableNames()).doesNotContain(table);
  }
}
