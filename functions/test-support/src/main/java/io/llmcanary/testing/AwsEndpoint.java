package io.llmcanary.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS endpoint an integration test talks to (an emulator, or whatever {@code AWS_ENDPOINT_URL} names),
 * with the region and fake credentials that go with it. Get one as a parameter of a test, constructor or
 * {@code @BeforeAll} method of an {@link AwsIntegrationTest} class:
 *
 * <pre>{@code
 * @BeforeAll
 * static void setUp(AwsEndpoint aws) {
 *   dynamo = aws.client(DynamoDbClient.builder());
 * }
 * }</pre>
 */
public final class AwsEndpoint {

  /** Where the endpoint came from. */
  public enum Source {
    /** The {@code AWS_ENDPOINT_URL} environment variable: a server someone else runs. */
    ENVIRONMENT,
    /** A moto server this JVM started from the repository's tool venv. */
    MOTO,
    /** A LocalStack container this JVM started through Testcontainers. */
    LOCALSTACK
  }

  public static final Region REGION = Region.US_EAST_1;
  private static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private final URI uri;
  private final Source source;

  AwsEndpoint(URI uri, Source source) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.source = Objects.requireNonNull(source, "source");
  }

  public URI uri() {
    return uri;
  }

  public Source source() {
    return source;
  }

  public Region region() {
    return REGION;
  }

  /** Static fake credentials: emulators accept any, and these can never reach a real account by accident. */
  public AwsCredentialsProvider credentials() {
    return CREDENTIALS;
  }

  /** A client of any service for this endpoint, e.g. {@code aws.client(DynamoDbClient.builder())}. */
  public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder) {
    return configure(builder).build();
  }

  /**
   * Points a builder at this endpoint (endpoint override, region, credentials, the URLConnection HTTP
   * client, as the functions use) and returns it for further settings.
   */
  public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B configure(B builder) {
    builder.endpointOverride(uri).region(REGION).credentialsProvider(CREDENTIALS);
    builder.httpClientBuilder(UrlConnectionHttpClient.builder());
    return builder;
  }

  /**
   * Sends moto a configuration document ({@code POST /moto-api/config}). Moto merges it per service;
   * note that its GET of the same path echoes only the batch and lambda sections, so a change of the
   * stepfunctions section cannot be read back.
   */
  public void configureMoto(String json) {
    motoApi("/moto-api/config", json);
  }

  /** Makes moto really execute Step Functions state machines instead of only recording executions. */
  public void enableStepFunctionsExecution() {
    configureMoto("{\"stepfunctions\": {\"execute_state_machine\": true}}");
  }

  /**
   * Drops every resource moto holds ({@code POST /moto-api/reset}); the server's configuration stays. Tests
   * in this repository use unique resource names instead, so they also run against a shared endpoint.
   */
  public void resetMoto() {
    motoApi("/moto-api/reset", "");
  }

  private void motoApi(String path, String body) {
    if (source == Source.LOCALSTACK) {
      throw new IllegalStateException(path + " is a moto API; this endpoint is LocalStack (" + uri + ")");
    }
    HttpRequest request = HttpRequest.newBuilder(uri.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("POST " + request.uri() + " answered " + response.statusCode()
            + " (is this a moto server?): " + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("POST " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling " + request.uri(), e);
    }
  }

  @Override
  public String toString() {
    return source + " " + uri;
  }
}
