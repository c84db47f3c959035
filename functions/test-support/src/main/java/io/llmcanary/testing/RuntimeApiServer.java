package io.llmcanary.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API (version 2018-06-01) on a loopback port, as Lambda serves it to a runtime: a runtime long-polls
 * {@code GET /runtime/invocation/next} for the next event and answers it with {@code POST /runtime/invocation/{id}/response}
 * or {@code /error}; an init failure goes to {@code POST /runtime/init/error}; under SnapStart the runtime asks
 * {@code GET /runtime/restore/next} after its checkpoint hooks ran. Events are queued with {@link #submit}; each
 * request the runtime makes is recorded as "METHOD path".
 */
public final class RuntimeApiServer implements AutoCloseable {

  private static final String BASE = "/2018-06-01/runtime";
  private static final Pattern INVOCATION = Pattern.compile("^" + BASE + "/invocation/([^/]+)/(response|error)$");
  static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:";

  /** What the runtime answered to one event. */
  public sealed interface Outcome {
    String requestId();

    /** The response or error body as the runtime posted it. */
    String body();
  }

  /** {@code POST /runtime/invocation/{id}/response}. */
  public record Response(String requestId, String body) implements Outcome {}

  /**
   * {@code POST /runtime/invocation/{id}/error}: {@code errorType} is the {@code Lambda-Runtime-Function-Error-Type}
   * header, the body Lambda's error document ({@code errorMessage}, {@code errorType}, {@code stackTrace}).
   */
  public record FunctionError(String requestId, String errorType, String body) implements Outcome {}

  /** {@code POST /runtime/init/error} (or {@code /runtime/restore/error}): the same header and document. */
  public record InitError(String path, String errorType, String body) {}

  private record Pending(String requestId, String event, long deadlineMillis, CompletableFuture<Outcome> outcome) {}

  private final HttpServer server;
  private final ExecutorService threads;
  private final String functionName;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final CompletableFuture<InitError> initError = new CompletableFuture<>();
  private volatile boolean closed;

  private RuntimeApiServer(String functionName) throws IOException {
    this.functionName = functionName;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    // A cached pool: GET /next holds its thread until an event is queued.
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "runtime-api-" + functionName);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext(BASE + "/", this::handle);
    server.start();
  }

  /** A Runtime API for one function (its name goes into the invoked function ARN). */
  public static RuntimeApiServer start(String functionName) {
    try {
      return new RuntimeApiServer(functionName);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** host:port, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
  public String address() {
    return server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  /** Queues {@code event} for the runtime's next {@code GET /next}; completes with its answer. */
  public CompletableFuture<Outcome> submit(String event, Duration timeout) {
    Pending p = new Pending(UUID.randomUUID().toString(), event, System.currentTimeMillis() + timeout.toMillis(),
        new CompletableFuture<>());
    queue.add(p);
    return p.outcome();
  }

  /** Completes when the runtime reports an init (or restore) error. */
  public CompletableFuture<InitError> initErrorReported() {
    return initError;
  }

  public Optional<InitError> initError() {
    return Optional.ofNullable(initError.getNow(null));
  }

  /** "METHOD path" of every request so far, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      byte[] body = x.getRequestBody().readAllBytes();
      String method = x.getRequestMethod();
      String path = x.getRequestURI().getPath();
      requests.add(method + " " + path);
      Matcher m = INVOCATION.matcher(path);
      if (method.equals("GET") && path.equals(BASE + "/invocation/next")) {
        next(x);
      } else if (method.equals("POST") && m.matches()) {
        Pending p = inFlight.remove(m.group(1));
        if (p == null) {
          send(x, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
          return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        p.outcome().complete(m.group(2).equals("response") ? new Response(p.requestId(), text)
            : new FunctionError(p.requestId(), errorType(x), text));
        send(x, 202, "{\"status\":\"OK\"}");
      } else if (method.equals("POST") && (path.equals(BASE + "/init/error") || path.equals(BASE + "/restore/error"))) {
        initError.complete(new InitError(path, errorType(x), new String(body, StandardCharsets.UTF_8)));
        send(x, 202, "{\"status\":\"OK\"}");
      } else if (method.equals("GET") && path.equals(BASE + "/restore/next")) {
        // The checkpoint hooks ran; Lambda would snapshot here and resume the process later, as is.
        send(x, 200, "");
      } else {
        send(x, 404, "{\"errorMessage\":\"not part of the Runtime API: " + method + " " + path + "\"}");
      }
    }
  }

  private void next(HttpExchange x) throws IOException {
    Pending p = null;
    try {
      while (p == null && !closed) {
        p = queue.poll(200, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (p == null) {
      send(x, 500, "{\"errorMessage\":\"shutting down\"}");
      return;
    }
    inFlight.put(p.requestId(), p);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", p.requestId());
    x.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadlineMillis()));
    x.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN + functionName);
    x.getResponseHeaders().set("Lambda-Runtime-Trace-Id",
        "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + p.requestId().replace("-", "")
            .substring(0, 24) + ";Parent=53995c3f42cd8ad8;Sampled=0");
    send(x, 200, p.event());
  }

  private static String errorType(HttpExchange x) {
    String t = x.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
    return t == null ? "" : t;
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(b);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}
