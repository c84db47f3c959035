package io.llmcanary.proxy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.llmcanary.aws.appconfig.AppConfigAgentConfigSource;
import io.llmcanary.aws.bedrock.BedrockConverseChatModel;
import io.llmcanary.aws.openai.OpenAiCompatibleChatModel;
import io.llmcanary.aws.sqs.SqsJudgeHandoff;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.JudgeHandoff;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.FixedConfigSource;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The dry run before a SnapStart checkpoint (CRaC {@code beforeCheckpoint}), so the restored container has its
 * classes loaded and its code paths warm for the first real request. It never touches the function's own app,
 * config source, model clients or output: it builds throwaway ones.
 *
 * <ol>
 *   <li>The request path: a throwaway app on the config that ships in the jar and the offline model, {@code /chat}
 *       arriving as API Gateway events through the handler's own conversion, output discarded: parsing, validation, routing, quality checks, token signing and verification, EMF and log
 *       encoding, JSON writing, for {@code /chat} (text and JSON answers), {@code /feedback} and a malformed body.
 *   <li>The AppConfig agent path: {@link AppConfigAgentConfigSource} reading the shipped config from a loopback
 *       stub ({@link LoopbackStub}): URL connection, body read, JSON Schema and cross-field validation.
 *   <li>When the function has a model adapter wired: the adapter itself against the same stub (Bedrock Converse
 *       through a throwaway SDK client: marshalling, signing, the URLConnection HTTP client, unmarshalling; the
 *       OpenAI-compatible client likewise). Where the function's credentials can be had without leaving the
 *       sandbox (keys in the environment or system properties, or Lambda's container credentials endpoint, which is
 *       what a SnapStart function gets), the throwaway client resolves them through its own throwaway default
 *       chain, as the real client will on its first call after a restore (building that chain and the failed
 *       lookups before it are the first call's largest cold part otherwise); elsewhere it signs with static dummy
 *       credentials, so a test or a laptop never reaches for a profile file or instance metadata. The function's
 *       own provider is never asked: no credentials are cached in the snapshot.
 *   <li>When the function has the quality judge's queue ({@code CANARY_JUDGE_QUEUE_URL}): a dry SendMessage of a
 *       task with no user's text through a throwaway SQS client to the same stub. The function's queue and its
 *       own client are never used: priming sends nothing to the queue.
 *   <li>Inside Lambda with Bedrock wired: the SDK's own {@link SdkWarmUp} for the Bedrock client, which also warms
 *       TLS with one unsigned call to the region's STS endpoint. Outside Lambda (tests, benchmarks, local runs)
 *       it is skipped, so priming makes no call off this machine there.
 * </ol>
 *
 * No step sees a real user, prompt or answer, and nothing is written to the function's output; a step that fails
 * is reported (by its exception class) and the others still run, because a failed dry run must not fail the
 * snapshot.
 */
public final class ProxyPriming {

  static final int REQUEST_PATH_ROUNDS = 50;

  /** What the dry run exercised; {@code failures} names the steps that threw, with the exception class. */
  public record Report(int chatRequests, int chatAnswered, int feedbackRecorded, boolean agentPath,
      boolean bedrockPath, String bedrockCredentials, boolean openAiPath, boolean judgeQueuePath, boolean sdkWarmUp,
      int stubRequests,
      List<String> failures) {}

  /** {@link Report#bedrockCredentials()} when the dry run signed with static dummy credentials. */
  public static final String STATIC_DUMMY_CREDENTIALS = "static dummy credentials";
  /** {@link Report#bedrockCredentials()} when a throwaway default chain resolved the function's credentials. */
  public static final String DEFAULT_CHAIN = "throwaway default chain";

  private ProxyPriming() {}

  /** The request path and the agent path only (no model adapter, no SDK warm-up). */
  public static Report prime() {
    return prime(Map.of(), () -> { });
  }

  /**
   * @param env       the function's environment: which model adapters are wired, whether this runs in Lambda
   * @param sdkWarmUp the SDK's warm-up ({@link #sdkWarmUp()} in Lambda); run only inside Lambda with Bedrock wired
   */
  public static Report prime(Map<String, String> env, Runnable sdkWarmUp) {
    List<String> failures = new ArrayList<>();
    int[] request = {0, 0, 0};
    try {
      requestPath(request);
    } catch (RuntimeException e) {
      failures.add("requestPath: " + e.getClass().getSimpleName());
    }
    boolean agent = false;
    boolean bedrock = false;
    // What the throwaway Bedrock client signs with (see bedrockPath); null when Bedrock is not wired.
    String credentials = !ChatProxyWiring.bedrockWired(env) ? null
        : credentialsAnswerLocally(env) ? DEFAULT_CHAIN : STATIC_DUMMY_CREDENTIALS;
    boolean openAi = false;
    boolean judgeQueue = false;
    int stubRequests = 0;
    try (LoopbackStub stub = new LoopbackStub(Map.of(
        "/configurations/", offlineRolloutJson(),
        "/converse", CONVERSE_ANSWER,
        "/chat/completions", OPENAI_ANSWER,
        SQS_PRIMING_PATH, SQS_SEND_ANSWER))) {
      try {
        agent = agentPath(stub.baseUrl());
      } catch (RuntimeException e) {
        failures.add("agentPath: " + e.getClass().getSimpleName());
      }
      if (ChatProxyWiring.bedrockWired(env)) {
        try {
          bedrock = bedrockPath(env, stub.baseUrl(), DEFAULT_CHAIN.equals(credentials));
        } catch (RuntimeException e) {
          failures.add("bedrockPath: " + e.getClass().getSimpleName());
        }
      }
      if (ChatProxyWiring.openAiWired(env)) {
        try {
          openAi = openAiPath(stub.baseUrl());
        } catch (RuntimeException e) {
          failures.add("openAiPath: " + e.getClass().getSimpleName());
        }
      }
      if (ChatProxyWiring.judgeQueueWired(env) && ChatProxyWiring.bedrockWired(env)) {
        try {
          judgeQueue = judgeQueuePath(env, stub.baseUrl());
        } catch (RuntimeException e) {
          failures.add("judgeQueuePath: " + e.getClass().getSimpleName());
        }
      }
      stubRequests = stub.requests();
    } catch (IOException e) {
      failures.add("loopbackStub: " + e.getClass().getSimpleName());
    }
    boolean warmedSdk = false;
    if (ChatProxyWiring.bedrockWired(env) && env.get("AWS_LAMBDA_FUNCTION_NAME") != null) {
      try {
        sdkWarmUp.run();
        warmedSdk = true;
      } catch (RuntimeException e) {
        failures.add("sdkWarmUp: " + e.getClass().getSimpleName());
      }
    }
    return new Report(request[0], request[1], request[2], agent, bedrock, credentials, openAi, judgeQueue, warmedSdk,
        stubRequests, List.copyOf(failures));
  }

  /** The SDK's warm-up of the Bedrock Runtime client (sync path), as the SDK documents for SnapStart. */
  public static void sdkWarmUp() {
    SdkWarmUp.warmUp(BedrockRuntimeClient.class);
  }

  private static void requestPath(int[] counts) {
    ChatProxyApp app = ChatProxyWiring.builder()
        .configSource(new FixedConfigSource(ChatProxyWiring.offlineRollout()))
        .models(new ChatModels(Map.of(OfflineChatModel.PROVIDER, new OfflineChatModel())))
        .secret(UUID.randomUUID() + "-" + UUID.randomUUID(), null)
        .output(line -> { })
        .build();
    for (int i = 0; i < REQUEST_PATH_ROUNDS; i++) {
      // Through the handler's own event conversion both ways, as a Lambda invoke arrives and leaves.
      APIGatewayV2HTTPResponse chat = ApiGatewayV2.toResponse(app.handle(ApiGatewayV2.toCall(chatEvent(
          "{\"userId\":\"priming-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
              + "\"responseFormat\":\"" + (i % 2 == 0 ? "text" : "json") + "\"}", "priming-request-" + i))));
      counts[0]++;
      if (chat.getStatusCode() == 200) {
        counts[1]++;
      }
      String token = chat.getBody().replaceAll(".*\"feedbackToken\":\"([^\"]+)\".*", "$1");
      HttpReply feedback = app.handle(new HttpCall("POST", "/feedback", null, Map.of(),
          "{\"feedbackToken\":\"" + token + "\",\"score\":\"up\",\"userId\":\"priming-" + i + "\"}", false, null));
      if (feedback.status() == 200) {
        counts[2]++;
      }
      app.handle(new HttpCall("POST", "/chat", null, Map.of(), "{\"userId\":", false, null));
    }
  }

  /** A {@code POST /chat} event; each its own request id, as each answer's feedback token is good for one vote. */
  private static APIGatewayV2HTTPEvent chatEvent(String body, String requestId) {
    APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod("POST");
    http.setPath("/chat");
    APIGatewayV2HTTPEvent.RequestContext ctx = new APIGatewayV2HTTPEvent.RequestContext();
    ctx.setHttp(http);
    ctx.setStage("$default");
    ctx.setRequestId(requestId);
    APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
    e.setRouteKey("POST /chat");
    e.setRawPath("/chat");
    e.setHeaders(Map.of("Content-Type", "application/json"));
    e.setBody(body);
    e.setRequestContext(ctx);
    return e;
  }

  private static boolean agentPath(String stubUrl) {
    AppConfigAgentConfigSource source = new AppConfigAgentConfigSource(
        AppConfigAgentConfigSource.Settings.of("priming", "priming", "priming").withAgent(java.net.URI.create(stubUrl)),
        Clock.systemUTC(), ConfigEvent.Listener.NONE);
    return source.snapshot().config() != null;
  }

  private static boolean bedrockPath(Map<String, String> env, String stubUrl, boolean chain) {
    AwsCredentialsProvider credentials = chain
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMING", "priming-not-a-secret"));
    try (BedrockRuntimeClient client = ChatProxyWiring.bedrockClient(env.get("AWS_REGION"), stubUrl, 1,
        Duration.ofSeconds(5), credentials)) {
      BedrockConverseChatModel model = new BedrockConverseChatModel(client);
      boolean ok = true;
      for (boolean json : new boolean[] {false, true}) {
        ok &= model.complete(dryRequest("bedrock", json)).text() != null;
      }
      return ok;
    } finally {
      if (credentials instanceof DefaultCredentialsProvider d) {
        d.close();
      }
    }
  }

  /**
   * Whether the default chain finds credentials without a profile file or instance metadata: keys in the function's
   * environment or in system properties (what the chain asks first), or Lambda's container credentials endpoint.
   */
  static boolean credentialsAnswerLocally(Map<String, String> env) {
    return set(env.get("AWS_ACCESS_KEY_ID")) && set(env.get("AWS_SECRET_ACCESS_KEY"))
        || set(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        || set(System.getProperty("aws.accessKeyId")) && set(System.getProperty("aws.secretAccessKey"));
  }

  private static boolean set(String v) {
    return v != null && !v.isBlank();
  }

  private static boolean openAiPath(String stubUrl) {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try (http) {
      OpenAiCompatibleChatModel model = new OpenAiCompatibleChatModel(
          OpenAiCompatibleChatModel.Settings.of(stubUrl, "priming-not-a-key"), http);
      return model.complete(dryRequest("openai", false)).text() != null;
    }
  }

  /**
   * The quality judge's hand-off, when the function has a queue: {@link SqsJudgeHandoff} on a throwaway SQS client
   * (static dummy credentials; the function's own client and its queue are never used) sending a dry task to the
   * loopback stub: the judge task codec, SDK marshalling (AWS JSON), signing and the HTTP client. The stub cannot
   * compute the digests SQS returns, so this client alone skips the SDK's MD5 check of the reply.
   */
  private static boolean judgeQueuePath(Map<String, String> env, String stubUrl) {
    try (SqsClient client = SqsClient.builder()
        .region(Region.of(env.get("AWS_REGION")))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDPRIMING", "priming-not-a-secret")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .endpointOverride(URI.create(stubUrl + SQS_PRIMING_PATH))
        .checksumValidationEnabled(false)
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build()) {
      JudgeHandoff h = new SqsJudgeHandoff(client, stubUrl + SQS_PRIMING_PATH + "/000000000000/priming",
          Duration.ofSeconds(5));
      VersionSpec stable = dryRequest("bedrock", false).version();
      h.handOff(new JudgeTask("priming-request", "priming", "priming", Variant.CANARY,
          new QualityJudgeConfig("pairwise", 1.0, 1, null, null), List.of(new ChatMessage("user", "hello")),
          "hello", stable));
      return true;
    }
  }

  private static ChatRequest dryRequest(String provider, boolean json) {
    return new ChatRequest(new VersionSpec("priming-model", provider, "You are a helpful assistant.", List.of(), 0.7, 64),
        List.of(new ChatMessage("user", "hello")), json, Duration.ofSeconds(5));
  }

  private static String offlineRolloutJson() {
    return RolloutConfigCodec.write(ChatProxyWiring.offlineRollout());
  }

  static final String CONVERSE_ANSWER = "{\"metrics\":{\"latencyMs\":1},\"output\":{\"message\":{\"content\":"
      + "[{\"text\":\"{\\\"ok\\\": true}\"}],\"role\":\"assistant\"}},\"stopReason\":\"end_turn\","
      + "\"usage\":{\"inputTokens\":5,\"outputTokens\":4,\"totalTokens\":9}}";
  static final String SQS_PRIMING_PATH = "/sqs-priming";
  static final String SQS_SEND_ANSWER = "{\"MessageId\":\"00000000-0000-0000-0000-000000000000\"}";
  static final String OPENAI_ANSWER = "{\"id\":\"priming\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"ok\\\": true}\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}";
}
