package io.llmcanary.promotion;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * A moto server of this test class's own, whose Step Functions interpreter reaches Lambda through a
 * {@link LambdaFront} that runs the promotion handler: moto sends its interpreter's AWS calls to
 * {@code localhost:$MOTO_PORT}, so it starts with MOTO_PORT set to the front's port instead of its own. (The
 * shared endpoint of {@code @AwsIntegrationTest} cannot be used: its MOTO_PORT is its own port, where a Lambda
 * task would need Docker.) The moto comes from the repository's pinned venv, installed by
 * {@code tools/python-tools.sh}; without Python the tests are skipped, or fail when CI=true.
 */
final class MotoWithLambda implements AutoCloseable {

  // $0 = moto_server, $@ = its arguments; moto stops when this JVM's pipe closes, also when the JVM is killed.
  private static final String WRAPPER = "exec 3<&0 </dev/null; \"$0\" \"$@\" 3<&- & m=$!; "
      + "(read _ <&3; kill $m 2>/dev/null) & wait $m";

  final LambdaFront front;
  final URI endpoint;
  private final Process process;

  private MotoWithLambda(LambdaFront front, URI endpoint, Process process) {
    this.front = front;
    this.endpoint = endpoint;
    this.process = process;
  }

  static MotoWithLambda start(UnaryOperator<String> function) throws Exception {
    Path root = Embedded.root().toAbsolutePath().normalize();
    Path motoServer = root.resolve(".venv/bin/moto_server");
    Path log = root.resolve("functions/promotion/target/moto-stepfunctions.log");
    Files.createDirectories(log.getParent());
    String tools = installTools(root);
    if (tools != null || !Files.isExecutable(motoServer)) {
      String why = "moto server unavailable for the state machine tests: " + (tools != null ? tools : motoServer + " missing");
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why);
      }
      System.err.println("[state-machine-it] " + why + "; skipping (CI=true makes this a failure)");
      Assumptions.abort(why);
    }
    LambdaFront front = new LambdaFront(function);
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", WRAPPER, motoServer.toString(), "-H", "127.0.0.1",
        "-p", Integer.toString(port)))
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("MOTO_PORT", Integer.toString(front.port()));
    Process p = pb.start();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    front.passThroughTo(endpoint);
    MotoWithLambda moto = new MotoWithLambda(front, endpoint, p);
    Runtime.getRuntime().addShutdownHook(new Thread(moto::close, "stop-moto-stepfunctions"));
    moto.awaitReady();
    moto.post("/moto-api/config", "{\"stepfunctions\": {\"execute_state_machine\": true}}");
    System.err.printf("[state-machine-it] moto %s, Lambda served on :%d (log %s)%n", endpoint, front.port(), log);
    return moto;
  }

  private static String installTools(Path root) throws Exception {
    Path script = root.resolve("tools/python-tools.sh");
    if (!Files.isRegularFile(script)) {
      return script + " not found";
    }
    Process p = new ProcessBuilder("bash", script.toString()).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return "tools/python-tools.sh timed out";
    }
    return p.exitValue() == 0 ? null : "tools/python-tools.sh failed with exit code " + p.exitValue();
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (HttpClient http = HttpClient.newHttpClient()) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("moto_server exited with " + process.exitValue());
        }
        try {
          http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
          return;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
    }
    throw new IllegalStateException("moto_server did not answer within 60 s");
  }

  void post(String path, String json) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve(path))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public synchronized void close() {
    front.close();
    try {
      process.getOutputStream().close(); // the wrapper stops moto
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
