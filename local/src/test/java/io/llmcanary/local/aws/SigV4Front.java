package io.llmcanary.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmcanary.codec.Json;
import io.llmcanary.promotion.PromotionFunction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * A local stand-in for API Gateway's IAM auth in front of the real promotion function: it checks each request's
 * SigV4 signature by signing the same request again with the SDK's signer and the caller's secret (known here by
 * access key), refuses unsigned or wrongly signed requests with 403 as API Gateway does, and passes the signer's
 * IAM identity to the handler in {@code requestContext.authorizer.iam} of a payload 2.0 event.
 */
final class SigV4Front implements AutoCloseable {

  /** A caller the front knows: its credentials and the IAM identity they belong to. */
  record Caller(String accessKey, String secret, String userArn) {}

  private static final Pattern AUTH = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)");
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final HttpServer server;
  private final Map<String, Caller> callers;
  private final PromotionFunction function;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  SigV4Front(PromotionFunction function, List<Caller> callers) throws IOException {
    this.function = function;
    this.callers = callers.stream().collect(java.util.stream.Collectors.toMap(Caller::accessKey, c -> c));
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void serve(HttpExchange x) throws IOException {
    try (x) {
      byte[] bodyBytes = x.getRequestBody().readAllBytes();
      String body = new String(bodyBytes, StandardCharsets.UTF_8);
      Caller caller = verify(x, body);
      if (caller == null) {
        reply(x, 403, "{\"message\":\"The request signature we calculated does not match the signature you provided,"
            + " or the request is not signed\"}");
        return;
      }
      ObjectNode event = Json.MAPPER.createObjectNode();
      URI u = x.getRequestURI();
      event.put("version", "2.0").put("rawPath", u.getRawPath()).put("rawQueryString", u.getRawQuery() == null ? ""
          : u.getRawQuery());
      ObjectNode qs = event.putObject("queryStringParameters");
      if (u.getQuery() != null) {
        for (String kv : u.getQuery().split("&")) {
          String[] p = kv.split("=", 2);
          qs.put(p[0], p.length > 1 ? p[1] : "");
        }
      }
      ObjectNode rc = event.putObject("requestContext");
      rc.put("requestId", UUID.randomUUID().toString());
      rc.putObject("http").put("method", x.getRequestMethod()).put("path", u.getRawPath());
      rc.putObject("authorizer").putObject("iam").put("accessKey", caller.accessKey()).put("userArn", caller.userArn());
      event.put("isBase64Encoded", false).put("body", body);
      JsonNode response = Json.MAPPER.readTree(function.handle(event.toString()));
      reply(x, response.path("statusCode").asInt(500), response.path("body").asText(""));
    }
  }

  /** The caller whose signature this is, or null when the request is unsigned or the signature does not match. */
  private Caller verify(HttpExchange x, String body) {
    String auth = x.getRequestHeaders().getFirst("Authorization");
    String date = x.getRequestHeaders().getFirst("X-Amz-Date");
    if (auth == null || date == null) {
      return null;
    }
    Matcher m = AUTH.matcher(auth);
    if (!m.matches() || !m.group(4).equals("execute-api")) {
      return null;
    }
    Caller caller = callers.get(m.group(1));
    if (caller == null) {
      return null;
    }
    Instant at = Instant.from(AMZ_DATE.parse(date));
    SdkHttpRequest.Builder again = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(x.getRequestMethod()))
        .uri(URI.create("http://" + x.getRequestHeaders().getFirst("Host") + x.getRequestURI().toString()));
    for (String h : m.group(5).split(";")) {
      if (!h.equals("host") && !h.equals("x-amz-date")) {
        List<String> v = x.getRequestHeaders().get(h);
        if (v != null) {
          again.putHeader(h, v);
        }
      }
    }
    String expected = signer.sign(r -> r.identity(AwsBasicCredentials.create(caller.accessKey(), caller.secret()))
        .request(again.build())
        .payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
        .putProperty(AwsV4HttpSigner.REGION_NAME, m.group(3))
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
        .request().firstMatchingHeader("Authorization").orElse("");
    return expected.toLowerCase(Locale.ROOT).equals(auth.toLowerCase(Locale.ROOT)) ? caller : null;
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("content-type", "application/json");
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      x.getResponseBody().write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
