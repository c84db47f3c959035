package io.llmcanary.local.cli;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.proxy.ChatProxyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code canaryctl serve}: {@code POST /chat} and {@code POST /feedback} on 127.0.0.1 with the offline model. Each
 * HTTP request becomes the API Gateway HTTP API (payload 2.0) event API Gateway would send, and goes through the
 * same Lambda handler; the function's JSON log and EMF lines go to stdout, as in Lambda. Requests are served
 * concurrently.
 */
@Command(name = "serve",
    header = "serve /chat and /feedback on 127.0.0.1 with the offline model",
    description = """
        Serves POST /chat and POST /feedback on http://127.0.0.1:PORT through the chat-proxy Lambda handler,
        with the offline model and the given rollout config (default: the offline config shipped with the
        proxy, canary at 50%%). Logs as the function does in Lambda: JSON log lines and EMF metric lines on
        stdout. Stop with Ctrl-C. Unlike in Lambda, answers name their version (x-canary-version; set
        CANARY_EXPOSE_VERSION=false to hide it). The user is the body's userId: a feedback names the userId of
        the chat it rates (feedback tokens are bound to that user). It takes no --json: its output is the
        function's own log.""",
    footer = """

        Example:
          ./canaryctl serve --canary-percent 5 &
          curl -s localhost:3000/chat -d '{"userId":"u1","messages":[{"role":"user","content":"Hi"}]}'
          curl -s localhost:3000/feedback -d '{"userId":"u1","feedbackToken":"ft2....","score":"up"}'""",
    exitCodeList = {"0:stopped", "1:cannot listen on the port", "2:usage error"})
public final class ServeCommand implements Subcommand {

  /** API Gateway's own payload limit: a body above it never reaches the function. */
  static final int GATEWAY_MAX_BODY = 10 * 1024 * 1024;
  private static final DateTimeFormatter GATEWAY_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Option(names = "--port", paramLabel = "N", description = "port on 127.0.0.1 (default 3000; 0 picks a free one)")
  Long portOption;

  @Option(names = "--config", paramLabel = "PATH", description = "rollout config JSON")
  String config;

  @Option(names = "--canary-percent", paramLabel = "P", description = "override the config's canary percent"
      + " (0..100, 0.01 steps)")
  Double canaryPercent;

  @Override
  public int run(PrintStream out, PrintStream err) {
    int port = (int) UsageException.within("--port", portOption, 3000, 0, 65535);
    RolloutConfig config = LocalChatProxy.config(this.config,
        canaryPercent == null ? null : UsageException.within("--canary-percent", canaryPercent, 0, 0, 100));
    Server server;
    try {
      server = start(port, config, out::println);
    } catch (IOException e) {
      err.println("canaryctl serve: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
      return FAILED;
    }
    err.printf("canaryctl serve: http://127.0.0.1:%d  POST /chat, POST /feedback  (rollout %s, canary %s%%, offline model)%n",
        server.port(), config.rolloutId(), config.canaryPercent());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      stopped.countDown();
    }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop();
    }
    return OK;
  }

  /** A running server; {@link #stop()} ends it. */
  public record Server(HttpServer http, ExecutorService pool) {
    public int port() {
      return http.getAddress().getPort();
    }

    public void stop() {
      http.stop(0);
      pool.shutdownNow();
    }
  }

  public static Server start(int port, RolloutConfig config, Consumer<String> lines) throws IOException {
    ChatProxyHandler handler = LocalChatProxy.handler(config, lines);
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "canary-serve");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(pool);
    http.createContext("/", exchange -> {
      try (exchange) {
        handle(exchange, handler);
      }
    });
    http.start();
    return new Server(http, pool);
  }

  private static void handle(HttpExchange x, ChatProxyHandler handler) throws IOException {
    byte[] body = readBody(x.getRequestBody());
    if (body == null) {
      send(x, 413, Map.of("content-type", "application/json"), "{\"message\":\"Request Entity Too Large\"}");
      return;
    }
    APIGatewayV2HTTPResponse r = handler.handleRequest(toEvent(x, body), null);
    send(x, r.getStatusCode(), r.getHeaders(), r.getBody() == null ? "" : r.getBody());
  }

  /** The event API Gateway (HTTP API, payload 2.0, $default stage) would send for this request. */
  static APIGatewayV2HTTPEvent toEvent(HttpExchange x, byte[] body) {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getRawPath();
    Map<String, String> headers = new HashMap<>();
    x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod(method);
    http.setPath(path);
    http.setProtocol(x.getProtocol());
    http.setSourceIp(x.getRemoteAddress().getAddress().getHostAddress());
    http.setUserAgent(headers.get("user-agent"));
    APIGatewayV2HTTPEvent.RequestContext ctx = new APIGatewayV2HTTPEvent.RequestContext();
    Instant now = Instant.now();
    ctx.setHttp(http);
    ctx.setRequestId(UUID.randomUUID().toString());
    ctx.setRouteKey("$default");
    ctx.setStage("$default");
    ctx.setAccountId("anonymous");
    ctx.setApiId("local");
    ctx.setDomainName("127.0.0.1");
    ctx.setTime(GATEWAY_TIME.format(now));
    ctx.setTimeEpoch(now.toEpochMilli());
    APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
    e.setVersion("2.0");
    e.setRouteKey("$default");
    e.setRawPath(path);
    e.setRawQueryString(x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery());
    e.setHeaders(headers);
    e.setRequestContext(ctx);
    if (body.length > 0) {
      // API Gateway passes UTF-8 text as is and base64-encodes anything else.
      String text = utf8(body);
      e.setBody(text != null ? text : Base64.getEncoder().encodeToString(body));
      e.setIsBase64Encoded(text == null);
    }
    return e;
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The body, or null when it is over API Gateway's limit. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] b = in.readNBytes(GATEWAY_MAX_BODY + 1);
    return b.length > GATEWAY_MAX_BODY ? null : b;
  }

  private static void send(HttpExchange x, int status, Map<String, String> headers, String body) throws IOException {
    if (headers != null) {
      headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream os = x.getResponseBody()) {
        os.write(bytes);
      }
    }
  }
}
