package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class AwsClientsTest {

  @Test
  void region_and_endpoint_override_come_from_the_environment() {
    AwsClients clients = AwsClients.fromEnvironment(
        Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));

    DynamoDbClient dynamo = clients.dynamoDb();

    assertThat(clients.region()).isEqualTo(Region.EU_WEST_1);
    assertThat(dynamo.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
    assertThat(dynamo.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:5000"));
    assertThat(clients.dynamoDb()).as("built once").isSameAs(dynamo);
    dynamo.close();
  }

  @Test
  void without_an_endpoint_override_clients_use_the_regional_aws_endpoints() {
    AwsClients clients = AwsClients.fromEnvironment(Map.of("AWS_DEFAULT_REGION", "us-west-2"));

    // (The SDK itself would still honour an AWS_ENDPOINT_URL of the real process environment.)
    assertThat(clients.endpointOverride()).isEmpty();
    assertThat(clients.sns().serviceClientConfiguration().region()).isEqualTo(Region.US_WEST_2);
  }

  @Test
  void a_missing_region_is_a_clear_error() {
    assertThatThrownBy(() -> AwsClients.fromEnvironment(Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AWS_REGION");
  }
}
