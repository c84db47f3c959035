package io.llmcanary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmcanary.codec.Json;
import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.ports.JudgeHandoff;
import io.llmcanary.core.proxy.ChatApiRequest;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.ChatOutcome;
import io.llmcanary.core.proxy.ChatService;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.core.proxy.ProxyCounters;
import io.llmcanary.core.proxy.ProxyKeys;
import io.llmcanary.core.proxy.ProxySettings;
import io.llmcanary.core.proxy.UserPseudonymizer;
import io.llmcanary.core.qualityjudge.JudgeDispatch;
import io.llmcanary.core.qualityjudge.JudgeSampler;
import io.llmcanary.proxy.ChatProxyWiring;
import io.llmcanary.proxy.EmfStdout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the quality judge's hand-off adds to the proxy's work per request (added p99 on sampled requests
 * at most 20 ms against a local endpoint, unsampled requests unchanged). The same request path as
 * {@link ProxyWorkBenchmark#proxyWorkPerRequest} (model stubbed), in pairs that differ only in the hand-off:
 *
 * <ul>
 *   <li>{@code sampledWithoutHandoff} / {@code sampledWithHandoff}: requests whose answers the sampler picks
 *       (canary users, request ids below the sampling rate). Without: the proxy has no queue.
 *       With: the hand-off the Lambda wiring builds from {@code CANARY_JUDGE_QUEUE_URL}
 *       ({@link ChatProxyWiring#judgeHandoff}: SqsJudgeHandoff on its own SDK client, URLConnection HTTP, one
 *       attempt, 100 ms bound, behind the HandoffBreaker), sending each answer as a real SigV4-signed SendMessage
 *       to a loopback SQS stub that answers as SQS does (AWS JSON protocol, with the MD5 digests the SDK checks).
 *   <li>{@code unsampledWithoutHandoff} / {@code unsampledWithHandoff}: requests the sampler does not pick (stable
 *       users, and canary request ids above the rate), on the same two services.
 *   <li>{@code sampledQueueDown}: sampled requests with the queue's endpoint refusing connections: what a queue that
 *       is down costs once the breaker has opened.
 * </ul>
 *
 * The sampler's hourly cap is raised out of the way here, so every sampled request really sends. The tear-down
 * prints the stub's SendMessage count and the hand-off results, so a run that silently dropped shows.
 */
public class JudgeHandoffBenchmark extends LatencyBenchmark {

  static final int N = 2048;

  HttpServer sqs;
  final AtomicInteger sends = new AtomicInteger();
  final Map<JudgeDispatch.Result, AtomicInteger> results = new EnumMap<>(JudgeDispatch.Result.class);
  final Map<String, AtomicInteger> failures = new java.util.concurrent.ConcurrentHashMap<>();
  ChatService plain;
  ChatService wired;
  ChatService down;
  final String[] sampledUsers = new String[N];
  final String[] sampledIds = new String[N];
  final String[] unsampledUsers = new String[N];
  final String[] unsampledIds = new String[N];
  List<ChatMessage> conversation;
  int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    for (JudgeDispatch.Result r : JudgeDispatch.Result.values()) {
      results.put(r, new AtomicInteger());
    }
    RolloutConfig config = ChatProxyWiring.offlineRollout().withCanaryPercent(25)
        .withQualityJudge(new QualityJudgeConfig("pairwise", 0.75, Integer.MAX_VALUE, null, null));
    // The JDK server writes a response's headers and body in separate packets; without TCP_NODELAY, Nagle on this
    // side and delayed ACKs on the client's add ~40 ms to each call, an artefact of the stub that SQS does not have.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    sqs = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    sqs.createContext("/", this::sendMessage);
    sqs.start();
    String endpoint = "http://127.0.0.1:" + sqs.getAddress().getPort();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String downEndpoint = "http://127.0.0.1:" + closed;

    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench-not-a-secret"));
    JudgeHandoff toStub = failuresCounted(ChatProxyWiring.judgeHandoff(Map.of("AWS_REGION", "eu-west-1",
        "CANARY_JUDGE_QUEUE_URL", endpoint + "/000000000000/judge", "SQS_ENDPOINT_URL", endpoint), credentials));
    JudgeHandoff toNowhere = ChatProxyWiring.judgeHandoff(Map.of("AWS_REGION", "eu-west-1",
        "CANARY_JUDGE_QUEUE_URL", downEndpoint + "/000000000000/judge", "SQS_ENDPOINT_URL", downEndpoint), credentials);

    PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    EmfStdout emf = new EmfStdout("LlmCanary", discard::println);
    ProxyCounters counters = new ProxyCounters() {
      @Override
      public void fallback(String application, String rolloutId, String requestId, boolean ok, long t) {
        emf.fallback(application, rolloutId, requestId, ok, t);
      }

      @Override
      public void judgeHandoff(String application, String rolloutId, String requestId, JudgeDispatch.Result r,
          long t) {
        results.get(r).incrementAndGet();
        emf.judgeHandoff(application, rolloutId, requestId, r, t);
      }
    };
    ProxyKeys keys = ProxyKeys.derive(ProxyWorkBenchmark.SECRET, null);
    FeedbackTokens tokens = new FeedbackTokens(keys.feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
    UserPseudonymizer pseudonyms = new UserPseudonymizer(keys.pseudonymKey());
    ChatResult result = new ChatResult(ProxyWorkBenchmark.ANSWER, 420, 180, "stop");
    ChatModels stub = new ChatModels(Map.of("offline", request -> result));
    FixedConfigSource source = new FixedConfigSource(config);
    plain = new ChatService(source, stub, emf, counters, tokens, pseudonyms, ProxySettings.defaults(),
        Clock.systemUTC(), System::nanoTime, JudgeHandoff.NONE, io.llmcanary.codec.JsonAnswers.INSTANCE);
    wired = new ChatService(source, stub, emf, counters, tokens, pseudonyms, ProxySettings.defaults(),
        Clock.systemUTC(), System::nanoTime, toStub, io.llmcanary.codec.JsonAnswers.INSTANCE);
    down = new ChatService(source, stub, emf, counters, tokens, pseudonyms, ProxySettings.defaults(),
        Clock.systemUTC(), System::nanoTime, toNowhere, io.llmcanary.codec.JsonAnswers.INSTANCE);
    conversation = List.of(new ChatMessage("user", "What is a canary release, and why does it help?"),
        new ChatMessage("assistant", ProxyWorkBenchmark.ANSWER.substring(0, 200)),
        new ChatMessage("user", "How is the share raised?"));

    int s = 0;
    int u = 0;
    for (int i = 0; s < N || u < N; i++) {
      String user = "user-" + i + "@example.com";
      String id = "req-" + i;
      Variant v = Assignment.assign(config.effectiveSalt(), user, config.canaryBasisPoints());
      boolean picked = JudgeSampler.sampled(config.qualityJudge(), v, config.canaryPercent(), id);
      if (picked && s < N) {
        sampledUsers[s] = user;
        sampledIds[s++] = id;
      } else if (!picked && u < N) {
        unsampledUsers[u] = user;
        unsampledIds[u++] = id;
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sqs.stop(0);
    System.out.println("\n[stub SendMessage calls: " + sends.get() + "; hand-off results: " + results
        + "; failures to the stub: " + failures + "]");
  }

  /** Counts what made hand-offs to the stub fail (exception messages name the class only). */
  private JudgeHandoff failuresCounted(JudgeHandoff h) {
    return task -> {
      try {
        h.handOff(task);
      } catch (RuntimeException e) {
        failures.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(), k -> new AtomicInteger())
            .incrementAndGet();
        throw e;
      }
    };
  }

  private int nextIndex() {
    next = (next + 1) & (N - 1);
    return next;
  }

  private ChatOutcome chat(ChatService service, String[] users, String[] ids) {
    int i = nextIndex();
    return service.chat(new ChatApiRequest(users[i], conversation, null, false), ids[i]);
  }

  @Benchmark
  public ChatOutcome sampledWithoutHandoff() {
    return chat(plain, sampledUsers, sampledIds);
  }

  @Benchmark
  public ChatOutcome sampledWithHandoff() {
    return chat(wired, sampledUsers, sampledIds);
  }

  @Benchmark
  public ChatOutcome unsampledWithoutHandoff() {
    return chat(plain, unsampledUsers, unsampledIds);
  }

  @Benchmark
  public ChatOutcome unsampledWithHandoff() {
    return chat(wired, unsampledUsers, unsampledIds);
  }

  @Benchmark
  public ChatOutcome sampledQueueDown() {
    return chat(down, sampledUsers, sampledIds);
  }

  /** SQS's SendMessage over the AWS JSON 1.0 protocol, with the digests the SDK's MD5 interceptor checks. */
  private void sendMessage(HttpExchange x) throws IOException {
    try (x) {
      JsonNode req = Json.MAPPER.readTree(x.getRequestBody().readAllBytes());
      String target = x.getRequestHeaders().getFirst("X-Amz-Target");
      if (!"AmazonSQS.SendMessage".equals(target)) {
        byte[] err = "{\"__type\":\"com.amazonaws.sqs#InvalidAction\",\"message\":\"unexpected\"}"
            .getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(400, err.length);
        x.getResponseBody().write(err);
        return;
      }
      sends.incrementAndGet();
      String body = "{\"MD5OfMessageBody\":\"" + md5(req.path("MessageBody").asText().getBytes(StandardCharsets.UTF_8))
          + "\",\"MD5OfMessageAttributes\":\"" + attributesMd5(req.path("MessageAttributes"))
          + "\",\"MessageId\":\"" + UUID.randomUUID() + "\"}";
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
      x.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
    }
  }

  /** SQS's digest of string message attributes: per name in order, length-prefixed name, type, 1, value. */
  static String attributesMd5(JsonNode attributes) {
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    attributes.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
      lengthAndBytes(out, e.getKey());
      lengthAndBytes(out, e.getValue().path("DataType").asText());
      out.write(1);
      lengthAndBytes(out, e.getValue().path("StringValue").asText());
    }
    return md5(out.toByteArray());
  }

  private static void lengthAndBytes(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }

  private static String md5(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
