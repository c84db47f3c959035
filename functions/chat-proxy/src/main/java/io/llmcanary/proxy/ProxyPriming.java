package io.llmcanary.proxy;

import io.llmcanary.aws.appconfig.AppConfigAgentConfigSource;
import io.llmcanary.aws.bedrock.BedrockConverseChatModel;
import io.llmcanary.aws.openai.OpenAiCompatibleChatModel;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.FixedConfigSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The dry run before a SnapStart checkpoint (CRaC {@code beforeCheckpoint}), so the restored container has its
 * classes loaded and its code paths warm for the first real request. It never touches the function's own app,
 * config source, model clients or output: it builds throwaway ones.
 *
 * <ol>
 *   <li>The request path: a throwaway app on the config that ships in the jar and the offline model, output
 *       discarded: parsing, validation, routing, quality checks, token signing and verification, EMF and log
 *       encoding, JSON writing, for {@code /chat} (text and JSON answers), {@code /feedback} and a malformed body.
 *   <li>The AppConfig agent path: {@link AppConfigAgentConfigSource} reading the shipped config from a loopback
 *       stub ({@link LoopbackStub}): URL connection, body read, JSON Schema and cross-field validation.
 *   <li>When the function has a model adapter wired: the adapter itself against the same stub (Bedrock Converse
 *       through a throwaway SDK client with static dummy credentials: marshalling, signing, the URLConnection HTTP
 *       client, unmarshalling; the OpenAI-compatible client likewise).
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
      boolean bedrockPath, boolean openAiPath, boolean sdkWarmUp, int stubRequests, List<String> failures) {}

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
    boolean openAi = false;
    int stubRequests = 0;
    try (LoopbackStub stub = new LoopbackStub(Map.of(
        "/configurations/", offlineRolloutJson(),
        "/converse", CONVERSE_ANSWER,
        "/chat/completions", OPENAI_ANSWER))) {
      try {
        agent = agentPath(stub.baseUrl());
      } catch (RuntimeException e) {
        failures.add("agentPath: " + e.getClass().getSimpleName());
      }
      if (ChatProxyWiring.bedrockWired(env)) {
        try {
          bedrock = bedrockPath(env.get("AWS_REGION"), stub.baseUrl());
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
    return new Report(request[0], request[1], request[2], agent, bedrock, openAi, warmedSdk, stubRequests,
        List.copyOf(failures));
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
      HttpReply chat = app.handle(new HttpCall("POST", "/chat", null, Map.of(),
          "{\"userId\":\"priming-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
              + "\"responseFormat\":\"" + (i % 2 == 0 ? "text" : "json") + "\"}", false, null));
      counts[0]++;
      if (chat.status() == 200) {
        counts[1]++;
      }
      String token = chat.body().replaceAll(".*\"feedbackToken\":\"([^\"]+)\".*", "$1");
      HttpReply feedback = app.handle(new HttpCall("POST", "/feedback", null, Map.of(),
          "{\"feedbackToken\":\"" + token + "\",\"score\":\"up\"}", false, null));
      if (feedback.status() == 200) {
        counts[2]++;
      }
      app.handle(new HttpCall("POST", "/chat", null, Map.of(), "{\"userId\":", false, null));
    }
  }

  private static boolean agentPath(String stubUrl) {
    AppConfigAgentConfigSource source = new AppConfigAgentConfigSource(
        AppConfigAgentConfigSource.Settings.of("priming", "priming", "priming").withAgent(java.net.URI.create(stubUrl)),
        Clock.systemUTC(), ConfigEvent.Listener.NONE);
    return source.snapshot().config() != null;
  }

  private static boolean bedrockPath(String region, String stubUrl) {
    try (BedrockRuntimeClient client = ChatProxyWiring.bedrockClient(region, stubUrl, 1, Duration.ofSeconds(5),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMING", "priming-not-a-secret")))) {
      BedrockConverseChatModel model = new BedrockConverseChatModel(client);
      boolean ok = true;
      for (boolean json : new boolean[] {false, true}) {
        ok &= model.complete(dryRequest("bedrock", json)).text() != null;
      }
      return ok;
    }
  }

  private static boolean openAiPath(String stubUrl) {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try (http) {
      OpenAiCompatibleChatModel model = new OpenAiCompatibleChatModel(
          OpenAiCompatibleChatModel.Settings.of(stubUrl, "priming-not-a-key"), http);
      return model.complete(dryRequest("openai", false)).text() != null;
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
  static final String OPENAI_ANSWER = "{\"id\":\"priming\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"ok\\\": true}\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}";
}
