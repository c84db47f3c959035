package io.llmcanary.bench;

import com.sun.net.httpserver.HttpServer;
import io.llmcanary.aws.appconfig.AppConfigAgentConfigSource;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.proxy.ChatApiRequest;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.ChatOutcome;
import io.llmcanary.core.proxy.ChatService;
import io.llmcanary.core.proxy.ConfigSnapshot;
import io.llmcanary.core.proxy.ProxyKeys;
import io.llmcanary.core.proxy.ProxySettings;
import io.llmcanary.core.proxy.UserPseudonymizer;
import io.llmcanary.core.quality.AnswerCheck;
import io.llmcanary.core.quality.AnswerQuality;
import io.llmcanary.proxy.ChatProxyApp;
import io.llmcanary.proxy.ChatProxyWiring;
import io.llmcanary.proxy.EmfStdout;
import io.llmcanary.proxy.HttpCall;
import io.llmcanary.proxy.HttpReply;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The chat proxy's own work per warm request (docs/architecture.md#performance-budget: p99 under 1 ms, no AWS call), model excluded: the
 * model is a stub that returns a fixed answer at once. {@link #proxyWorkPerRequest} is the figure the budget is
 * about: config lookup from the AppConfig agent source (warm cache; the agent is a local HTTP server that this
 * benchmark counts calls to), routing and assignment, user pseudonym, quality checks, the EMF line written to a
 * stream, feedback token signing. The other benchmarks break it down, and {@link #handlerPerRequest} adds the HTTP
 * surface (JSON parsing and validation of the body, the JSON answer, the log line). SampleTime gives percentiles.
 */
public class ProxyWorkBenchmark extends LatencyBenchmark {

  private static final AnswerQuality CHECKS = new AnswerQuality(io.llmcanary.codec.JsonAnswers.INSTANCE);

  static final String ANSWER = ("Canary releases send a new version to a small share of users first, compare it "
      + "with the stable version on quality, latency, cost and errors, and widen the share only when it holds up. ")
      .repeat(6);
  static final String SECRET = "benchmark-secret-benchmark-secret-benchmark";

  HttpServer agent;
  int agentCalls;
  AppConfigAgentConfigSource source;
  RolloutConfig config;
  ChatService service;
  ChatProxyApp app;
  EmfEncoder encoder;
  FeedbackTokens tokens;
  UserPseudonymizer pseudonyms;
  PrintStream discard;
  String[] users;
  String[] bodies;
  ChatResult result;
  int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    config = ChatProxyWiring.offlineRollout().withCanaryPercent(25);
    byte[] doc = RolloutConfigCodec.write(config).getBytes(StandardCharsets.UTF_8);
    agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    agent.createContext("/", x -> {
      agentCalls++;
      x.sendResponseHeaders(200, doc.length);
      try (OutputStream os = x.getResponseBody()) {
        os.write(doc);
      }
    });
    agent.start();
    source = new AppConfigAgentConfigSource(AppConfigAgentConfigSource.Settings.of("app", "env", "profile")
        .withAgent(URI.create("http://127.0.0.1:" + agent.getAddress().getPort())).withTtl(Duration.ofHours(1)),
        Clock.systemUTC(), e -> { });
    if (source.snapshot().config() == null) {
      throw new IllegalStateException("the agent stub did not serve the config");
    }
    discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    ProxyKeys keys = ProxyKeys.derive(SECRET, null);
    tokens = new FeedbackTokens(keys.feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
    pseudonyms = new UserPseudonymizer(keys.pseudonymKey());
    encoder = new EmfEncoder("LlmCanary");
    result = new ChatResult(ANSWER, 420, 180, "stop");
    EmfStdout emf = new EmfStdout("LlmCanary", discard::println);
    ChatModels stub = new ChatModels(Map.of("offline", request -> result));
    service = new ChatService(source, stub, emf, emf, tokens, pseudonyms, ProxySettings.defaults(),
        Clock.systemUTC(), System::nanoTime, io.llmcanary.codec.JsonAnswers.INSTANCE);
    app = ChatProxyWiring.builder().configSource(source).models(stub).secret(SECRET, null)
        .output(discard::println).build();
    users = new String[4096];
    bodies = new String[users.length];
    for (int i = 0; i < users.length; i++) {
      users[i] = "user-" + Integer.toHexString(i * 2654435761L > 0 ? i * 7919 : i) + "@example.com";
      bodies[i] = "{\"userId\":\"" + users[i] + "\",\"conversationId\":\"c-" + i + "\",\"messages\":["
          + "{\"role\":\"user\",\"content\":\"What is a canary release, and why does it help?\"},"
          + "{\"role\":\"assistant\",\"content\":\"" + ANSWER.substring(0, 200) + "\"},"
          + "{\"role\":\"user\",\"content\":\"How is the share raised?\"}]}";
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    agent.stop(0);
    System.out.println("\n[agent calls during the whole trial: " + agentCalls + " (1 = only the first, cold read)]");
  }

  private int nextIndex() {
    next = (next + 1) & (users.length - 1);
    return next;
  }

  /** The whole per-request proxy work, model excluded. */
  @Benchmark
  public Object proxyWorkPerRequest() {
    int i = nextIndex();
    ChatOutcome o = service.chat(new ChatApiRequest(users[i], List.of(new ChatMessage("user", "What is a canary?")),
        null, false), "req-" + i);
    return o;
  }

  /** proxyWorkPerRequest plus the HTTP surface: body parsing and validation, the JSON answer, the log line. */
  @Benchmark
  public HttpReply handlerPerRequest() {
    int i = nextIndex();
    return app.handle(new HttpCall("POST", "/chat", null, Map.of(), bodies[i], false, "req-" + i));
  }

  @Benchmark
  public ConfigSnapshot configLookup() {
    return source.snapshot();
  }

  @Benchmark
  public Variant assignment() {
    return Assignment.assign(config.effectiveSalt(), users[nextIndex()], config.canaryBasisPoints());
  }

  @Benchmark
  public void emfLine() {
    int i = nextIndex();
    discard.println(encoder.encode(new RequestMetrics("local", "local-demo", Variant.CANARY, "req-" + i,
        "offline-canary", "stop", 1_764_151_200_000L + i, false, 812.5, 420, 180, 0.00396, null)));
  }

  @Benchmark
  public AnswerCheck qualityChecks() {
    return CHECKS.check(result, false);
  }

  @Benchmark
  public String feedbackToken() {
    int i = nextIndex();
    return tokens.sign(new FeedbackToken("req-" + i, "local", "local-demo", Variant.STABLE, 1_764_151_200L, "u_0123456789abcdef"));
  }

  @Benchmark
  public String userPseudonym() {
    return pseudonyms.pseudonym(users[nextIndex()]);
  }
}
