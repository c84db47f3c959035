package io.llmcanary.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code .venv/bin/moto_server} on a free loopback port, after {@code tools/python-tools.sh} has made
 * sure the pinned venv exists (a no-op when it is current).
 *
 * <p>The server must not outlive the JVM, however the JVM ends. A shutdown hook covers normal exits and
 * Ctrl-C; for a killed JVM (SIGKILL, a CI timeout) moto runs under a small {@code sh} wrapper that watches a
 * pipe from this JVM and stops moto when the pipe closes, which the kernel does when the JVM dies.
 */
final class MotoEmulator implements Emulator {

  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  // $0 = moto_server, $@ = its arguments. fd 3 keeps the pipe from the JVM; the watcher kills moto at EOF.
  private static final String WRAPPER = "exec 3<&0 </dev/null; \"$0\" \"$@\" 3<&- & m=$!; "
      + "(read _ <&3; kill $m 2>/dev/null) & wait $m";

  private final Path root;
  private final Path logFile;
  private final PrintStream console;

  MotoEmulator(Path root, Path logFile, PrintStream console) {
    this.root = root;
    this.logFile = logFile;
    this.console = console;
  }

  @Override
  public AwsEndpoint.Source source() {
    return AwsEndpoint.Source.MOTO;
  }

  @Override
  public Running start() throws Unavailable {
    long t0 = System.nanoTime();
    installTools();
    long t1 = System.nanoTime();
    Path motoServer = root.resolve(".venv/bin/moto_server");
    if (!Files.isExecutable(motoServer)) {
      throw new Unavailable(motoServer + " is missing after tools/python-tools.sh ran; remove .venv and retry");
    }
    try {
      Files.createDirectories(logFile.getParent());
      Files.deleteIfExists(logFile);
    } catch (IOException e) {
      throw new Unavailable("cannot create " + logFile.getParent() + ": " + e, e);
    }
    String lastFailure = "";
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      Process process = launch(motoServer, port);
      RunningMoto running = new RunningMoto(process, URI.create("http://127.0.0.1:" + port), console);
      Thread hook = new Thread(running::close, "stop-moto-server");
      running.hook = hook;
      Runtime.getRuntime().addShutdownHook(hook);
      String failure = awaitReady(running);
      if (failure == null) {
        long t2 = System.nanoTime();
        console.printf("[aws-endpoint] moto server %s ready: tools check %d ms, server start %d ms (log: %s)%n",
            running.endpoint(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, logFile);
        return running;
      }
      running.close();
      lastFailure = failure;
      console.printf("[aws-endpoint] moto server attempt %d on port %d failed: %s%n", attempt, port, failure);
    }
    throw new Unavailable("moto server did not start: " + lastFailure + " (log: " + logFile + ")");
  }

  private void installTools() throws Unavailable {
    Path script = root.resolve("tools/python-tools.sh");
    if (!Files.isRegularFile(script)) {
      throw new Unavailable(script + " not found (repository root " + root + ")");
    }
    Deque<String> tail = new ArrayDeque<>();
    try {
      Process p = new ProcessBuilder("bash", script.toString()).directory(root.toFile()).redirectErrorStream(true)
          .start();
      p.getOutputStream().close();
      // Not inheritIO: the forked test JVM's stdout is the channel surefire/failsafe read their events from.
      Thread pump = Thread.ofVirtual().start(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = out.readLine()) != null; ) {
            console.println(line);
            synchronized (tail) {
              tail.addLast(line);
              if (tail.size() > 8) {
                tail.removeFirst();
              }
            }
          }
        } catch (IOException ignored) {
          // the process went away; its exit code tells the rest
        }
      });
      if (!p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new Unavailable("tools/python-tools.sh took longer than " + INSTALL_TIMEOUT);
      }
      pump.join(Duration.ofSeconds(5));
      if (p.exitValue() != 0) {
        synchronized (tail) {
          throw new Unavailable("tools/python-tools.sh failed (exit " + p.exitValue() + "): "
              + String.join(" | ", tail));
        }
      }
    } catch (IOException e) {
      throw new Unavailable("cannot run tools/python-tools.sh (is bash installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while installing the Python tools", e);
    }
  }

  private Process launch(Path motoServer, int port) throws Unavailable {
    try {
      return new ProcessBuilder(List.of("/bin/sh", "-c", WRAPPER, motoServer.toString(),
          "-H", "127.0.0.1", "-p", Integer.toString(port)))
          .directory(root.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new Unavailable("cannot start " + motoServer + ": " + e.getMessage(), e);
    }
  }

  /** Null when the server answers HTTP, else why not. Any HTTP status counts: it only has to be listening. */
  private static String awaitReady(RunningMoto moto) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest probe = HttpRequest.newBuilder(moto.endpoint().resolve("/moto-api/"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      while (System.nanoTime() < deadline) {
        if (!moto.process.isAlive()) {
          return "moto_server exited with code " + moto.process.exitValue();
        }
        try {
          http.send(probe, HttpResponse.BodyHandlers.discarding());
          return null;
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    return "no HTTP answer within " + START_TIMEOUT.toSeconds() + " s";
  }

  private static int freePort() throws Unavailable {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new Unavailable("no free loopback port: " + e.getMessage(), e);
    }
  }

  private static final class RunningMoto implements Running {
    private final Process process;
    private final URI endpoint;
    private final PrintStream console;
    private volatile Thread hook;
    private boolean closed;

    RunningMoto(Process process, URI endpoint, PrintStream console) {
      this.process = process;
      this.endpoint = endpoint;
      this.console = console;
    }

    @Override
    public URI endpoint() {
      return endpoint;
    }

    /** Idempotent; called by the extension store at the end of the test run, or by the shutdown hook. */
    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      Thread h = hook;
      boolean fromHook = Thread.currentThread() == h;
      if (h != null && !fromHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(h);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs (or ran) anyway; closing twice is harmless
        }
      }
      try {
        process.getOutputStream().close(); // the wrapper sees EOF, stops moto (SIGTERM) and exits
      } catch (IOException ignored) {
        // already closed
      }
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      console.printf("[aws-endpoint] moto server %s stopped (%s)%n", endpoint,
          fromHook ? "JVM shutdown hook" : "end of test run");
    }
  }
}
