package io.llmcanary.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The rollout API of the deployed stack ({@code /rollouts...}, IAM auth), each request SigV4-signed for
 * {@code execute-api} with the SDK's own signer and the caller's credentials, so the promotion function decides
 * and audits with the caller's IAM identity as the actor.
 */
public final class RolloutApi {

  /** Headers java.net.http sets itself and refuses to be given. */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

  private final URI base;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final HttpClient http;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public RolloutApi(URI base, String region, AwsCredentialsProvider credentials) {
    this.base = base;
    this.region = region;
    this.credentials = credentials;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** An answer of the API: its status code and JSON body (an empty object when it had none). */
  public record Response(int status, JsonNode body) {
    public boolean ok() {
      return status / 100 == 2;
    }

    /** The API's message, for a person. */
    public String message() {
      return body.path("message").asText(body.toString());
    }
  }

  /** A failure to reach the API at all (not an answer). */
  public static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Response get(String path, String application) {
    return send("GET", path, application, null);
  }

  public Response post(String path, String application, JsonNode body) {
    return send("POST", path, application, body);
  }

  private Response send(String method, String path, String application, JsonNode body) {
    String query = application == null ? "" : "?application=" + URLEncoder.encode(application, StandardCharsets.UTF_8);
    URI uri = URI.create(base + path + query);
    String payload = body == null ? "" : body.toString();
    SdkHttpRequest.Builder req = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
    if (body != null) {
      req.putHeader("content-type", "application/json");
    }
    SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
        .request(req.build())
        .payload(ContentStreamProvider.fromUtf8String(payload))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    HttpRequest.Builder out = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      if (!RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
        h.getValue().forEach(v -> out.header(h.getKey(), v));
      }
    }
    try {
      HttpResponse<String> r = http.send(out.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json;
      try {
        json = r.body() == null || r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
      } catch (IOException e) {
        json = Json.MAPPER.createObjectNode().put("message", r.body());
      }
      return new Response(r.statusCode(), json);
    } catch (IOException e) {
      throw new Unreachable("cannot reach the rollout API at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while calling " + uri, e);
    }
  }
}
