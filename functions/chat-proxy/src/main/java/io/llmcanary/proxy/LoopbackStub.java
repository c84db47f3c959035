package io.llmcanary.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway HTTP/1.1 responder on 127.0.0.1 for the SnapStart dry run ({@link ProxyPriming}): it answers the
 * AppConfig agent's path, Bedrock Converse and OpenAI-compatible chat completions with canned JSON, so priming
 * runs the real adapters' code (URL building, HTTP, parsing, SDK marshalling and signing) without the agent, a
 * model or any address off this machine. JDK sockets only (no com.sun.net.httpserver, which a Lambda runtime need
 * not ship); one connection at a time, {@code Connection: close}, so no pooled connection outlives it.
 */
final class LoopbackStub implements AutoCloseable {

  /** Canned answers by path fragment; the first fragment contained in the request path wins. */
  private final Map<String, byte[]> answers;
  private final ServerSocket server;
  private final Thread thread;
  private final AtomicInteger requests = new AtomicInteger();

  LoopbackStub(Map<String, String> answersByPathFragment) throws IOException {
    this.answers = new java.util.LinkedHashMap<>();
    answersByPathFragment.forEach((k, v) -> answers.put(k, v.getBytes(StandardCharsets.UTF_8)));
    // 127.0.0.1 explicitly: the loopback address the JDK prefers can be ::1, and the base URL names 127.0.0.1.
    this.server = new ServerSocket(0, 8, InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}));
    this.thread = new Thread(this::serve, "priming-loopback-stub");
    thread.setDaemon(true);
    thread.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  int requests() {
    return requests.get();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(5_000);
        answer(s);
      } catch (IOException e) {
        // closed, or a client gave up: nothing to answer
      }
    }
  }

  private void answer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    String head = readHead(in);
    String path = head.isEmpty() ? "" : head.split(" ", 3).length > 1 ? head.split(" ", 3)[1] : "";
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    in.readNBytes(length);
    requests.incrementAndGet();
    byte[] body = null;
    for (Map.Entry<String, byte[]> a : answers.entrySet()) {
      if (path.contains(a.getKey())) {
        body = a.getValue();
        break;
      }
    }
    String status = body == null ? "404 Not Found" : "200 OK";
    byte[] payload = body == null ? "{\"message\":\"not found\"}".getBytes(StandardCharsets.UTF_8) : body;
    OutputStream out = s.getOutputStream();
    out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length
        + "\r\nx-amzn-RequestId: 00000000-0000-4000-8000-000000000000\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.write(payload);
    out.flush();
  }

  /** The request line and headers, up to the blank line. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(512);
    int state = 0;
    int c;
    while ((c = in.read()) >= 0 && b.size() < 65_536) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        break;
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing a listening socket
    }
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
