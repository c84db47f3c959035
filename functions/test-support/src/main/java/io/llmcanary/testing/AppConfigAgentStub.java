package io.llmcanary.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
 * The AWS AppConfig Agent Lambda extension's local HTTP endpoint, for one configuration: {@code GET
 * /applications/{application}/environments/{environment}/configurations/{profile}} answers the document (200,
 * {@code application/json}, with the {@code Configuration-Version} header the agent sends); any other path is a 404,
 * as the agent answers for a configuration it does not know. Stands in for the layer the template gives the chat proxy
 * (the agent listens on localhost:2772 there; point {@code APPCONFIG_AGENT_URL} at {@link #uri()}). Requests are
 * recorded as paths.
 */
public final class AppConfigAgentStub implements AutoCloseable {

  private final HttpServer server;
  private final String path;
  private final byte[] document;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private AppConfigAgentStub(String application, String environment, String profile, String document)
      throws IOException {
    this.path = "/applications/" + application + "/environments/" + environment + "/configurations/" + profile;
    this.document = document.getBytes(StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  public static AppConfigAgentStub start(String application, String environment, String profile, String document) {
    try {
      return new AppConfigAgentStub(application, environment, profile, document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      x.getRequestBody().readAllBytes();
      String p = x.getRequestURI().getPath();
      requests.add(p);
      byte[] body = document;
      int status = 200;
      if (x.getRequestMethod().equals("GET") && p.equals(path)) {
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("Configuration-Version", "1");
      } else {
        status = 404;
        body = ("{\"message\":\"no such configuration: " + p + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      x.sendResponseHeaders(status, body.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
