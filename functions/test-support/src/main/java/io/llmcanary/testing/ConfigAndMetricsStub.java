package io.llmcanary.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

  private final byte[] config;
  private final LoopbackHttpServer server;

  private ConfigAndMetricsStub(String configJson) {
    this.config = configJson.getBytes(StandardCharsets.UTF_8);
    this.server = new LoopbackHttpServer(this::handle);
  }

  /** Serves {@code configJson} as the hosted configuration (version 1) of any application and profile. */
  public static ConfigAndMetricsStub start(String configJson) {
    return new ConfigAndMetricsStub(configJson);
  }

  public URI uri() {
    return server.uri();
  }

  /** "METHOD path" of every request so far, in order. */
  public List<String> requests() {
    return server.requests();
  }

  private void handle(HttpExchange x, byte[] requestBody) throws IOException {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getPath();
    server.record(method + " " + path);
    Matcher hosted = HOSTED.matcher(path);
    if (method.equals("GET") && hosted.matches() && hosted.group(3) == null) {
      String item = "{\"ApplicationId\":\"" + hosted.group(1) + "\",\"ConfigurationProfileId\":\"" + hosted.group(2)
          + "\",\"VersionNumber\":1,\"ContentType\":\"application/json\"}";
      LoopbackHttpServer.json(x, 200, "{\"Items\":[" + item + "]}");
    } else if (method.equals("GET") && hosted.matches() && hosted.group(3).equals("/1")) {
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.getResponseHeaders().set("Application-Id", hosted.group(1));
      x.getResponseHeaders().set("Configuration-Profile-Id", hosted.group(2));
      x.getResponseHeaders().set("Version-Number", "1");
      LoopbackHttpServer.send(x, 200, config);
    } else if (method.equals("GET") && DEPLOYMENTS.matcher(path).matches()) {
      // ListDeployments: version 1 deployed, complete (the deployed config is what decisions compare with).
      Matcher d = DEPLOYMENTS.matcher(path);
      d.matches();
      String item = "{\"ApplicationId\":\"" + d.group(1) + "\",\"EnvironmentId\":\"" + d.group(2)
          + "\",\"DeploymentNumber\":1,\"ConfigurationName\":\"rollout\",\"ConfigurationVersion\":\"1\","
          + "\"State\":\"COMPLETE\",\"PercentageComplete\":100.0}";
      LoopbackHttpServer.json(x, 200, "{\"Items\":[" + item + "]}");
    } else if (method.equals("POST") && path.equals(GET_METRIC_DATA)) {
      LoopbackHttpServer.sendNoMetricData(x);
    } else {
      x.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
      LoopbackHttpServer.json(x, 404, "{\"Message\":\"not stubbed: " + method + " " + path + "\"}");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
