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

/**
 * What the AWS endpoint stubs share: a server on a loopback port that hands every request, its body already read,
 * to one handler and closes the exchange after it; the log of requests the stub keeps; and writing an answer.
 */
final class LoopbackHttpServer implements AutoCloseable {

  /** Answers one request; the exchange is closed after it, whatever it does. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange, byte[] requestBody) throws IOException;
  }

  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  /** Started. */
  LoopbackHttpServer(Handler handler) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", x -> {
      try (x) {
        handler.handle(x, x.getRequestBody().readAllBytes());
      }
    });
    server.start();
  }

  URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  void record(String request) {
    requests.add(request);
  }

  /** What {@link #record} was given so far, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The answer; an empty body is sent as none at all. */
  static void send(HttpExchange x, int status, byte[] body) throws IOException {
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static void send(HttpExchange x, int status, String body) throws IOException {
    send(x, status, body.getBytes(StandardCharsets.UTF_8));
  }

  static void json(HttpExchange x, int status, String body) throws IOException {
    x.getResponseHeaders().set("Content-Type", "application/json");
    send(x, status, body);
  }

  /** CloudWatch GetMetricData's answer (Smithy RPC v2 CBOR) for metrics nobody has written yet: no data. */
  static void sendNoMetricData(HttpExchange x) throws IOException {
    // {"MetricDataResults": [], "Messages": []}: a map of two text keys, each with an empty array.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0xA2);
    for (String key : List.of("MetricDataResults", "Messages")) {
      byte[] k = key.getBytes(StandardCharsets.US_ASCII);
      b.write(0x60 + k.length); // text string, length < 24
      b.writeBytes(k);
      b.write(0x80); // empty array
    }
    x.getResponseHeaders().set("Content-Type", "application/cbor");
    x.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
    send(x, 200, b.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
