package io.llmcanary.proxy.priming;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loopback HTTP/1.1 responder the dry run's clients talk to: fixed JSON by path fragment, so priming runs the
 * real adapters' code without the agent, a model or any address off this machine. JDK sockets only (no
 * com.sun.net.httpserver, which a trimmed Lambda runtime need not ship); one connection at a time and
 * {@code Connection: close}, so no pooled connection outlives it.
 */
final class LoopbackStub implements AutoCloseable {

  private static final int MAX_HEAD = 16_384;

  private final Map<String, String> answers;
  private final ServerSocket server;
  private final Thread thread;
  private final AtomicInteger requests = new AtomicInteger();

  /** @param answersByPathFragment the JSON for a request whose path contains the fragment; fragments do not overlap */
  LoopbackStub(Map<String, String> answersByPathFragment) throws IOException {
    answers = Map.copyOf(answersByPathFragment);
    // 127.0.0.1 explicitly: the loopback address the JDK prefers can be ::1, and the base URL names 127.0.0.1.
    server = new ServerSocket(0, 8, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    thread = Thread.ofPlatform().name("priming-loopback-stub").daemon().start(this::serve);
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
        answer(s.getInputStream(), s.getOutputStream());
      } catch (IOException e) {
        // closed, or a client gave up: nothing to answer
      }
    }
  }

  private void answer(InputStream in, OutputStream out) throws IOException {
    String[] head = readHead(in).split("\r\n");
    String[] requestLine = head[0].split(" ");
    String path = requestLine.length > 1 ? requestLine[1] : "";
    int length = 0;
    for (String header : head) {
      if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(header.substring(15).trim());
      }
    }
    // The whole request is read before answering: closing with request bytes unread resets the connection, and the
    // client can lose the answer.
    in.readNBytes(length);
    requests.incrementAndGet();
    byte[] body = answers.entrySet().stream().filter(a -> path.contains(a.getKey())).findFirst()
        .map(a -> a.getValue().getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    out.write(("HTTP/1.1 " + (body.length > 0 ? "200 OK" : "404 Not Found") + "\r\nContent-Type: application/json"
        + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /** The request line and headers, through the blank line that ends them. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    for (int last = 0, c; last != 0x0D0A0D0A; last = last << 8 | c) {
      c = in.read();
      if (c < 0 || head.size() == MAX_HEAD) {
        throw new EOFException("no complete request head");
      }
      head.write(c);
    }
    return head.toString(StandardCharsets.US_ASCII);
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
