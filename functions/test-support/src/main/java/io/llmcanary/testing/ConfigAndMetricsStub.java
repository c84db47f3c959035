package io.llmcanary.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two AWS calls of the health-check and promotion functions that moto does not implement, answered on a
 * loopback port: AppConfig's hosted configuration reads (ListHostedConfigurationVersions and
 * GetHostedConfigurationVersion, REST JSON), which serve one rollout config document as version 1, ListDeployments
 * (version 1 deployed, complete), and CloudWatch
 * GetMetricData (Smithy RPC v2 CBOR), which answers "no data". Anything else is a 404. Point a client at it with
 * its endpoint override, or a whole SDK with the system properties {@code aws.endpointUrlAppConfig} and
 * {@code aws.endpointUrlCloudWatch}. Each request is recorded as "METHOD path".
 */
public final class ConfigAndMetricsStub implements AutoCloseable {

  private static final Pattern HOSTED = Pattern.compile(
      "^/applications/([^/]+)/configurationprofiles/([^/]+)/hostedconfigurationversions(/\\d+)?$");
  private static final Pattern DEPLOYMENTS = Pattern.compile(
      "^/applications/([^/]+)/environments/([^/]+)/deployments$");
  private static final String GET_METRIC_DATA = "/service/GraniteServiceVersion20100801/operation/GetMetricData";

  private final HttpServer server;
  private final byte[] config;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private ConfigAndMetricsStub(String configJson) throws IOException {
    this.config = configJson.getBytes(StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves {@code configJson} as the hosted configuration (version 1) of any application and profile. */
  public static ConfigAndMetricsStub start(String configJson) {
    try {
      return new ConfigAndMetricsStub(configJson);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  /** "METHOD path" of every request so far, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      x.getRequestBody().readAllBytes();
      String method = x.getRequestMethod();
      String path = x.getRequestURI().getPath();
      requests.add(method + " " + path);
      Matcher hosted = HOSTED.matcher(path);
      if (method.equals("GET") && hosted.matches() && hosted.group(3) == null) {
        String item = "{\"ApplicationId\":\"" + hosted.group(1) + "\",\"ConfigurationProfileId\":\"" + hosted.group(2)
            + "\",\"VersionNumber\":1,\"ContentType\":\"application/json\"}";
        x.getResponseHeaders().set("Content-Type", "application/json");
        send(x, 200, ("{\"Items\":[" + item + "]}").getBytes(StandardCharsets.UTF_8));
      } else if (method.equals("GET") && hosted.matches() && hosted.group(3).equals("/1")) {
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("Application-Id", hosted.group(1));
        x.getResponseHeaders().set("Configuration-Profile-Id", hosted.group(2));
        x.getResponseHeaders().set("Version-Number", "1");
        send(x, 200, config);
      } else if (method.equals("GET") && DEPLOYMENTS.matcher(path).matches()) {
        // ListDeployments: version 1 deployed, complete (the deployed config is what decisions compare with).
        Matcher d = DEPLOYMENTS.matcher(path);
        d.matches();
        String item = "{\"ApplicationId\":\"" + d.group(1) + "\",\"EnvironmentId\":\"" + d.group(2)
            + "\",\"DeploymentNumber\":1,\"ConfigurationName\":\"rollout\",\"ConfigurationVersion\":\"1\","
            + "\"State\":\"COMPLETE\",\"PercentageComplete\":100.0}";
        x.getResponseHeaders().set("Content-Type", "application/json");
        send(x, 200, ("{\"Items\":[" + item + "]}").getBytes(StandardCharsets.UTF_8));
      } else if (method.equals("POST") && path.equals(GET_METRIC_DATA)) {
        x.getResponseHeaders().set("Content-Type", "application/cbor");
        x.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
        send(x, 200, noMetricData());
      } else {
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
        send(x, 404, ("{\"Message\":\"not stubbed: " + method + " " + path + "\"}").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** {"MetricDataResults": [], "Messages": []} in CBOR: a map of two text keys, each with an empty array. */
  private static byte[] noMetricData() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0xA2);
    for (String key : List.of("MetricDataResults", "Messages")) {
      byte[] k = key.getBytes(StandardCharsets.US_ASCII);
      b.write(0x60 + k.length); // text string, length < 24
      b.writeBytes(k);
      b.write(0x80); // empty array
    }
    return b.toByteArray();
  }

  private static void send(HttpExchange x, int status, byte[] body) throws IOException {
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
