package io.llmcanary.bench.coldstart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The AppConfig agent, Bedrock Runtime and Lambda's container-credentials endpoint, as one HTTP server in this
 * process on a loopback port. Like the real agent (a separate process that is up before the function's init), it
 * is there before any subject starts; it serves the offline rollout that ships in the proxy jar, under two profiles:
 * as shipped ({@code rollout-offline}) and with both versions on Bedrock ({@code rollout-bedrock}). It counts the
 * calls of each kind, so a run can show that it did the work it is meant to time.
 */
final class AgentStub implements AutoCloseable {

  /** Calls served so far, per kind. */
  record Counts(int agent, int converse, int credentials) {
    Counts minus(Counts before) {
      return new Counts(agent - before.agent, converse - before.converse, credentials - before.credentials);
    }
  }

  private final AtomicInteger agentCalls = new AtomicInteger();
  private final AtomicInteger bedrockCalls = new AtomicInteger();
  private final AtomicInteger credentialCalls = new AtomicInteger();
  private final HttpServer server;

  private AgentStub(byte[] offlineDoc) throws IOException {
    byte[] bedrockDoc = new String(offlineDoc, StandardCharsets.UTF_8).replace("\"offline\"", "\"bedrock\"")
        .replace("offline-stable", "anthropic.claude-3-5-sonnet-20240620-v1:0")
        .replace("offline-canary", "deepseek.r1-v1:0").getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    for (Map.Entry<String, byte[]> profile : Map.of("rollout-offline", offlineDoc, "rollout-bedrock", bedrockDoc).entrySet()) {
      server.createContext("/applications/local/environments/bench/configurations/" + profile.getKey(), x -> {
        agentCalls.incrementAndGet();
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.getResponseHeaders().add("Configuration-Version", "1");
        send(x, profile.getValue());
      });
    }
    // Bedrock Runtime Converse (REST-JSON), answered at once: the model's own latency is not the proxy's.
    byte[] converse = ("{\"metrics\":{\"latencyMs\":1},\"output\":{\"message\":{\"content\":[{\"text\":"
        + "\"Canary releases expose a change to a few users first and widen it only when it holds up.\"}],"
        + "\"role\":\"assistant\"}},\"stopReason\":\"end_turn\","
        + "\"usage\":{\"inputTokens\":25,\"outputTokens\":18,\"totalTokens\":43}}").getBytes(StandardCharsets.UTF_8);
    // Lambda's container credentials endpoint, for the snapshot runs (SnapStart functions get credentials there).
    server.createContext("/credentials", x -> {
      credentialCalls.incrementAndGet();
      x.getResponseHeaders().add("Content-Type", "application/json");
      // Not kept alive: the priming step's fetch would otherwise leave a TCP connection open at the checkpoint, and
      // CRIU cannot dump TCP sockets on every kernel (SnapStart just drops them).
      x.getResponseHeaders().add("Connection", "close");
      send(x, ("{\"AccessKeyId\":\"ASIACOLDSTARTBENCH\",\"SecretAccessKey\":\"cold-start-benchmark-not-a-secret\","
          + "\"Token\":\"cold-start-benchmark-session\",\"Expiration\":\""
          + Instant.now().plus(Duration.ofHours(6)).truncatedTo(ChronoUnit.SECONDS)
          + "\"}").getBytes(StandardCharsets.UTF_8));
    });
    server.createContext("/model/", x -> {
      bedrockCalls.incrementAndGet();
      x.getRequestBody().transferTo(OutputStream.nullOutputStream());
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.getResponseHeaders().add("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000");
      send(x, converse);
    });
  }

  /**
   * Starts the stub serving {@code configFile} when given, else the offline rollout inside {@code proxyJar}.
   */
  static AgentStub start(String proxyJar, String configFile) throws IOException {
    AgentStub stub = new AgentStub(configFile != null ? Files.readAllBytes(Path.of(configFile)) : offlineRollout(proxyJar));
    stub.server.start();
    return stub;
  }

  private static byte[] offlineRollout(String proxyJar) throws IOException {
    try (JarFile jar = new JarFile(proxyJar)) {
      ZipEntry e = jar.getEntry("io/llmcanary/proxy/offline-rollout.json");
      if (e == null) {
        throw new IllegalStateException(proxyJar + " holds no io/llmcanary/proxy/offline-rollout.json; pass --config");
      }
      try (InputStream in = jar.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }

  Counts counts() {
    return new Counts(agentCalls.get(), bedrockCalls.get(), credentialCalls.get());
  }

  /** The function's environment, as the template sets it, pointing at this stub for the agent and Bedrock. */
  void functionEnvironment(Map<String, String> env, String profile) {
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.put("APPCONFIG_APPLICATION", "local");
    env.put("APPCONFIG_ENVIRONMENT", "bench");
    env.put("APPCONFIG_PROFILE", profile);
    env.put("APPCONFIG_AGENT_URL", url());
    env.put("CANARY_SECRET", "cold-start-benchmark-secret-0123456789abcdef");
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDCOLDSTARTBENCH");
    env.put("AWS_SECRET_ACCESS_KEY", "cold-start-benchmark-not-a-secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("BEDROCK_ENDPOINT_URL", url());
  }

  /**
   * A SnapStart function gets no keys in its environment: its credentials come from Lambda's container
   * credentials endpoint (here the stub), so a restored snapshot asks for fresh ones.
   */
  void snapStartCredentials(Map<String, String> env) {
    env.remove("AWS_ACCESS_KEY_ID");
    env.remove("AWS_SECRET_ACCESS_KEY");
    env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", url() + "/credentials");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", "cold-start-benchmark-token");
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void send(HttpExchange x, byte[] body) throws IOException {
    x.sendResponseHeaders(200, body.length);
    try (OutputStream os = x.getResponseBody()) {
      os.write(body);
    }
  }
}
