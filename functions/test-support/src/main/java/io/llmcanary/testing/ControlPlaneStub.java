package io.llmcanary.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS calls of the back-end functions that moto does not implement (or not in the way a function needs), answered
 * on one loopback port from the documented request and response shapes, with state, so a sequence of workflow steps
 * sees its own writes:
 * <ul>
 *   <li>AppConfig (REST JSON): hosted configuration versions of one profile (list, get, create) and the
 *       deployments of one environment (list, get, start, stop). A started deployment is COMPLETE at once: AppConfig
 *       would roll it out over the strategy's duration, which no function waits for.
 *   <li>Step Functions (JSON 1.0): StartExecution, SendTaskSuccess and SendTaskFailure, accepted and recorded.
 *   <li>CloudWatch GetMetricData (Smithy RPC v2 CBOR): no data, as for a rollout nobody has called yet.
 * </ul>
 * Point the functions at it with {@code AWS_ENDPOINT_URL_APPCONFIG}, {@code AWS_ENDPOINT_URL_SFN} and
 * {@code AWS_ENDPOINT_URL_CLOUDWATCH}. Each request is recorded as "METHOD path" (Step Functions as "POST sfn:Operation").
 */
public final class ControlPlaneStub implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HOSTED = Pattern.compile(
      "^/applications/([^/]+)/configurationprofiles/([^/]+)/hostedconfigurationversions(?:/(\\d+))?$");
  private static final Pattern DEPLOYMENTS = Pattern.compile(
      "^/applications/([^/]+)/environments/([^/]+)/deployments(?:/(\\d+))?$");
  private static final String GET_METRIC_DATA = "/service/GraniteServiceVersion20100801/operation/GetMetricData";

  private record Deployment(int number, String profile, String version, String strategy, String state,
      Instant started) {}

  private final List<String> hosted = new ArrayList<>();
  private final List<Deployment> deployments = new ArrayList<>();
  private final List<JsonNode> stepFunctionsCalls = new CopyOnWriteArrayList<>();
  private final LoopbackHttpServer server;

  private ControlPlaneStub(String initialConfig) {
    if (initialConfig != null) {
      hosted.add(initialConfig);
      deployments.add(new Deployment(1, "initial", "1", "initial", "COMPLETE", Instant.now()));
    }
    this.server = new LoopbackHttpServer(this::handle);
  }

  /** With {@code initialConfig} as hosted version 1 (and deployed, as after the stack's first deploy). */
  public static ControlPlaneStub start(String initialConfig) {
    return new ControlPlaneStub(initialConfig);
  }

  public URI uri() {
    return server.uri();
  }

  public List<String> requests() {
    return server.requests();
  }

  /** The hosted configuration versions, oldest first (version n at index n - 1). */
  public synchronized List<String> hostedVersions() {
    return List.copyOf(hosted);
  }

  /** The content of the configuration version the newest deployment delivers, if any. */
  public synchronized String deployedConfig() {
    if (deployments.isEmpty()) {
      return null;
    }
    return hosted.get(Integer.parseInt(deployments.get(deployments.size() - 1).version()) - 1);
  }

  /** Step Functions calls, each {"operation": ..., "input": {...}}, in order. */
  public List<JsonNode> stepFunctionsCalls() {
    return List.copyOf(stepFunctionsCalls);
  }

  private void handle(HttpExchange x, byte[] body) throws IOException {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getPath();
    String target = x.getRequestHeaders().getFirst("X-Amz-Target");
    if (target != null && target.startsWith("AWSStepFunctions.")) {
      stepFunctions(x, target.substring("AWSStepFunctions.".length()), body);
      return;
    }
    server.record(method + " " + path);
    Matcher h = HOSTED.matcher(path);
    Matcher d = DEPLOYMENTS.matcher(path);
    synchronized (this) {
      if (h.matches()) {
        hosted(x, method, h, body);
      } else if (d.matches()) {
        deployments(x, method, d, body);
      } else if (method.equals("POST") && path.equals(GET_METRIC_DATA)) {
        LoopbackHttpServer.sendNoMetricData(x);
      } else {
        error(x, 404, "ResourceNotFoundException", "not stubbed: " + method + " " + path);
      }
    }
  }

  private void hosted(HttpExchange x, String method, Matcher m, byte[] body) throws IOException {
    String app = m.group(1);
    String profile = m.group(2);
    if (method.equals("GET") && m.group(3) == null) {
      StringBuilder items = new StringBuilder();
      for (int i = 1; i <= hosted.size(); i++) {
        items.append(i == 1 ? "" : ",").append("{\"ApplicationId\":\"").append(app)
            .append("\",\"ConfigurationProfileId\":\"").append(profile).append("\",\"VersionNumber\":").append(i)
            .append(",\"ContentType\":\"application/json\"}");
      }
      LoopbackHttpServer.json(x, 200, "{\"Items\":[" + items + "]}");
    } else if (method.equals("GET")) {
      int n = Integer.parseInt(m.group(3));
      if (n < 1 || n > hosted.size()) {
        error(x, 404, "ResourceNotFoundException", "no hosted version " + n);
        return;
      }
      versionHeaders(x, app, profile, n);
      LoopbackHttpServer.send(x, 200, hosted.get(n - 1));
    } else if (method.equals("POST") && m.group(3) == null) {
      hosted.add(new String(body, StandardCharsets.UTF_8));
      versionHeaders(x, app, profile, hosted.size());
      LoopbackHttpServer.send(x, 201, body);
    } else {
      error(x, 405, "BadRequestException", method + " on hosted versions");
    }
  }

  private void deployments(HttpExchange x, String method, Matcher m, byte[] body) throws IOException {
    String app = m.group(1);
    String env = m.group(2);
    if (method.equals("GET") && m.group(3) == null) {
      StringBuilder items = new StringBuilder();
      // Newest first, as AppConfig lists them.
      for (int i = deployments.size() - 1; i >= 0; i--) {
        items.append(items.isEmpty() ? "" : ",").append(summary(deployments.get(i)));
      }
      LoopbackHttpServer.json(x, 200, "{\"Items\":[" + items + "]}");
    } else if (m.group(3) != null && (method.equals("GET") || method.equals("DELETE"))) {
      int n = Integer.parseInt(m.group(3));
      Deployment dep = deployments.stream().filter(e -> e.number() == n).findFirst().orElse(null);
      if (dep == null) {
        error(x, 404, "ResourceNotFoundException", "no deployment " + n);
      } else if (method.equals("DELETE") && !dep.state().equals("DEPLOYING")) {
        error(x, 400, "BadRequestException", "deployment " + n + " is " + dep.state());
      } else {
        if (method.equals("DELETE")) {
          dep = new Deployment(dep.number(), dep.profile(), dep.version(), dep.strategy(), "ROLLED_BACK", dep.started());
          deployments.set(deployments.indexOf(deployments.stream().filter(e -> e.number() == n).findFirst()
              .orElseThrow()), dep);
        }
        LoopbackHttpServer.json(x, method.equals("DELETE") ? 202 : 200, detail(app, env, dep));
      }
    } else if (method.equals("POST") && m.group(3) == null) {
      JsonNode req = JSON.readTree(body);
      String version = req.path("ConfigurationVersion").asText();
      if (version.isEmpty() || Integer.parseInt(version) < 1 || Integer.parseInt(version) > hosted.size()) {
        error(x, 400, "BadRequestException", "no hosted version " + version);
        return;
      }
      Deployment dep = new Deployment(deployments.size() + 1, req.path("ConfigurationProfileId").asText(), version,
          req.path("DeploymentStrategyId").asText(), "COMPLETE", Instant.now());
      deployments.add(dep);
      LoopbackHttpServer.json(x, 201, detail(app, env, dep));
    } else {
      error(x, 405, "BadRequestException", method + " on deployments");
    }
  }

  private void stepFunctions(HttpExchange x, String operation, byte[] body) throws IOException {
    server.record("POST sfn:" + operation);
    JsonNode input = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    stepFunctionsCalls.add(JSON.createObjectNode().put("operation", operation).set("input", input));
    x.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    switch (operation) {
      case "StartExecution" -> {
        String machine = input.path("stateMachineArn").asText();
        String arn = machine.replace(":stateMachine:", ":execution:") + ":" + input.path("name").asText();
        LoopbackHttpServer.send(x, 200,
            "{\"executionArn\":\"" + arn + "\",\"startDate\":" + Instant.now().getEpochSecond() + "}");
      }
      case "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat" -> LoopbackHttpServer.send(x, 200, "{}");
      default -> LoopbackHttpServer.send(x, 400,
          "{\"__type\":\"UnknownOperationException\",\"message\":\"not stubbed: " + operation + "\"}");
    }
  }

  private static String summary(Deployment d) {
    return "{\"DeploymentNumber\":" + d.number() + ",\"ConfigurationName\":\"rollout-config\",\"ConfigurationVersion\":\""
        + d.version() + "\",\"DeploymentDurationInMinutes\":0,\"GrowthType\":\"LINEAR\",\"GrowthFactor\":100.0,"
        + "\"FinalBakeTimeInMinutes\":0,\"State\":\"" + d.state() + "\",\"PercentageComplete\":"
        + (d.state().equals("COMPLETE") ? "100.0" : "0.0") + ",\"StartedAt\":\"" + d.started() + "\"}";
  }

  private static String detail(String app, String env, Deployment d) {
    return "{\"ApplicationId\":\"" + app + "\",\"EnvironmentId\":\"" + env + "\",\"DeploymentStrategyId\":\""
        + d.strategy() + "\",\"ConfigurationProfileId\":\"" + d.profile() + "\"," + summary(d).substring(1);
  }

  private static void versionHeaders(HttpExchange x, String app, String profile, int n) {
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.getResponseHeaders().set("Application-Id", app);
    x.getResponseHeaders().set("Configuration-Profile-Id", profile);
    x.getResponseHeaders().set("Version-Number", Integer.toString(n));
  }

  private static void error(HttpExchange x, int status, String type, String message) throws IOException {
    x.getResponseHeaders().set("x-amzn-ErrorType", type);
    LoopbackHttpServer.json(x, status, "{\"Message\":\"" + message.replace("\"", "'") + "\"}");
  }

  @Override
  public void close() {
    server.close();
  }
}
