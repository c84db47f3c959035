package io.llmcanary.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Builds the SDK clients of a function, once per instance: a handler keeps one {@code AwsClients} in a
 * static field and asks it for each client at init, so every invocation reuses the same connections.
 *
 * <p>Everything is explicit, so the SDK searches nothing at cold start: the region from {@code AWS_REGION}
 * (Lambda always sets it), the URLConnection HTTP client (no Apache/Netty pools to load), and inside
 * Lambda the credentials from the environment the runtime fills in rather than the default chain that
 * probes profiles and metadata endpoints. {@code AWS_ENDPOINT_URL}, when set, points every client at one
 * endpoint (an emulator, in tests and local runs); the SDK would honour it on its own too, but setting it
 * here keeps the choice in one visible place.
 */
public final class AwsClients {

  private final Region region;
  private final URI endpointOverride;
  private final AwsCredentialsProvider credentials;
  private DynamoDbClient dynamoDb;
  private SnsClient sns;

  AwsClients(Region region, URI endpointOverride, AwsCredentialsProvider credentials) {
    this.region = region;
    this.endpointOverride = endpointOverride;
    this.credentials = credentials;
  }

  public static AwsClients fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static AwsClients fromEnvironment(Map<String, String> env) {
    String region = firstSet(env, "AWS_REGION", "AWS_DEFAULT_REGION");
    if (region == null) {
      throw new IllegalStateException("AWS_REGION is not set (Lambda sets it; elsewhere export AWS_REGION=us-east-1 or similar)");
    }
    String endpoint = firstSet(env, "AWS_ENDPOINT_URL");
    URI override;
    try {
      override = endpoint == null ? null : URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("AWS_ENDPOINT_URL is not a URI: " + endpoint, e);
    }
    boolean inLambda = firstSet(env, "AWS_LAMBDA_FUNCTION_NAME") != null && firstSet(env, "AWS_ACCESS_KEY_ID") != null;
    AwsCredentialsProvider credentials = inLambda
        ? EnvironmentVariableCredentialsProvider.create()
        : DefaultCredentialsProvider.builder().build();
    return new AwsClients(Region.of(region), override, credentials);
  }

  public Region region() {
    return region;
  }

  public Optional<URI> endpointOverride() {
    return Optional.ofNullable(endpointOverride);
  }

  public synchronized DynamoDbClient dynamoDb() {
    if (dynamoDb == null) {
      dynamoDb = build(DynamoDbClient.builder());
    }
    return dynamoDb;
  }

  public synchronized SnsClient sns() {
    if (sns == null) {
      sns = build(SnsClient.builder());
    }
    return sns;
  }

  /** Any other service's client with the same settings, e.g. {@code build(SfnClient.builder())}. */
  public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder) {
    builder.region(region).credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder());
    if (endpointOverride != null) {
      builder.endpointOverride(endpointOverride);
    }
    return builder.build();
  }

  private static String firstSet(Map<String, String> env, String... names) {
    for (String name : names) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }
}
