package io.llmcanary.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The AWS AppConfig Agent Lambda extension's local HTTP endpoint, for one configuration: {@code GET
 * /applications/{application}/environments/{environment}/configurations/{profile}} answers the document (200,
 * {@code application/json}, with the {@code Configuration-Version} header the agent sends); any other path is a 404,
 * as the agent answers for a configuration it does not know. Stands in for the layer the template gives the chat proxy
 * (the agent listens on localhost:2772 there; point {@code APPCONFIG_AGENT_URL} at {@link #uri()}). Requests are
 * recorded as paths.
 */
public final class AppConfigAgentStub implements AutoCloseable {

  private final String path;
  private final byte[] document;
  private final LoopbackHttpServer server;

  private AppConfigAgentStub(String application, String environment, String profile, String document) {
    this.path = "/applications/" + application + "/environments/" + environment + "/configurations/" + profile;
    this.document = document.getBytes(StandardCharsets.UTF_8);
    this.server = new LoopbackHttpServer(this::handle);
  }

  public static AppConfigAgentStub start(String application, String environment, String profile, String document) {
    return new AppConfigAgentStub(application, environment, profile, document);
  }

  public URI uri() {
    return server.uri();
  }

  public List<String> requests() {
    return server.requests();
  }

  private void handle(HttpExchange x, byte[] requestBody) throws IOException {
    String p = x.getRequestURI().getPath();
    server.record(p);
    if (x.getRequestMethod().equals("GET") && p.equals(path)) {
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.getResponseHeaders().set("Configuration-Version", "1");
      LoopbackHttpServer.send(x, 200, document);
    } else {
      LoopbackHttpServer.send(x, 404, "{\"message\":\"no such configuration: " + p + "\"}");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
