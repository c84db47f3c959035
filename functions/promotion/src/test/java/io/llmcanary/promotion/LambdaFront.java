package io.llmcanary.promotion;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda service, as far as moto's state machine interpreter needs it: moto's Lambda tasks call
 * {@code lambda.invoke} on {@code http://localhost:$MOTO_PORT}, and running moto with MOTO_PORT pointing here
 * sends those calls to this server, which runs the promotion handler in-process and answers as the Invoke API
 * does (200 with the function's JSON; a function error as 200 with {@code X-Amz-Function-Error: Unhandled} and
 * {@code {"errorType", "errorMessage"}}, the shape the Java runtime reports). Every other request is passed
 * through to moto. {@link #throttleNext} makes the next invocations of an action answer 429
 * TooManyRequestsException, as Lambda does when throttled.
 */
final class LambdaFront implements AutoCloseable {

  private static final Pattern INVOKE = Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations$");
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
      "expect", "upgrade", "keep-alive");

  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final UnaryOperator<String> function;
  private final Map<String, AtomicInteger> throttles = new ConcurrentHashMap<>();
  private volatile URI moto;
  final List<String> invocations = new CopyOnWriteArrayList<>();

  LambdaFront(UnaryOperator<String> function) throws IOException {
    this.function = function;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lambda-front");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  void passThroughTo(URI motoEndpoint) {
    this.moto = motoEndpoint;
  }

  void throttleNext(String action, int times) {
    throttles.computeIfAbsent(action, a -> new AtomicInteger()).set(times);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      Matcher m = INVOKE.matcher(ex.getRequestURI().getRawPath());
      if (ex.getRequestMethod().equals("POST") && m.matches()) {
        invoke(ex, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), new String(body, StandardCharsets.UTF_8));
      } else {
        passThrough(ex, body);
      }
    } catch (RuntimeException e) {
      ex.sendResponseHeaders(500, -1);
    }
  }

  private void invoke(HttpExchange ex, String functionName, String payload) throws IOException {
    String action = payload.replaceAll("(?s).*\"action\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    invocations.add(action);
    // Lambda answers every call with a request id; botocore (and so moto's error mapping) reads it.
    ex.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
    AtomicInteger throttle = throttles.get(action);
    if (throttle != null && throttle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ex.getResponseHeaders().add("x-amzn-ErrorType", "TooManyRequestsException");
      reply(ex, 429, "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
      return;
    }
    ex.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
    String out;
    try {
      out = function.apply(payload);
    } catch (RuntimeException e) {
      ex.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
      reply(ex, 200, "{\"errorType\":" + quote(e.getClass().getName()) + ",\"errorMessage\":" + quote(String.valueOf(e.getMessage()))
          + ",\"stackTrace\":[]}");
      return;
    }
    reply(ex, 200, out);
  }

  private void passThrough(HttpExchange ex, byte[] body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(moto.resolve(ex.getRequestURI().toString()))
        .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders().forEach((k, vs) -> {
      if (!HOP_BY_HOP.contains(k.toLowerCase())) {
        vs.forEach(v -> b.header(k, v));
      }
    });
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      r.headers().map().forEach((k, vs) -> {
        if (!HOP_BY_HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
          vs.forEach(v -> ex.getResponseHeaders().add(k, v));
        }
      });
      ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(r.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(502, -1);
    }
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Override
  public void close() {
    server.stop(0);
    http.close();
  }
}
