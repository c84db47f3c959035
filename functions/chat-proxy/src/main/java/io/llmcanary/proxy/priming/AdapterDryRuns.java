package io.llmcanary.proxy.priming;

import io.llmcanary.aws.appconfig.AppConfigAgentConfigSource;
import io.llmcanary.aws.bedrock.BedrockConverseChatModel;
import io.llmcanary.aws.openai.OpenAiCompatibleChatModel;
import io.llmcanary.aws.sqs.SqsJudgeHandoff;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.proxy.ChatProxyWiring;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The adapters' dry runs against the {@link LoopbackStub}, each on throwaway clients of its own: the function's
 * clients, credentials provider, config source and queue are never used. Each returns whether it got its answer.
 */
final class AdapterDryRuns {

  private AdapterDryRuns() {}

  /** {@link AppConfigAgentConfigSource} reading the shipped config: URL connection, body read, schema validation. */
  static boolean agent(String stubUrl) {
    AppConfigAgentConfigSource source = new AppConfigAgentConfigSource(
        AppConfigAgentConfigSource.Settings.of("priming", "priming", "priming").withAgent(URI.create(stubUrl)),
        Clock.systemUTC(), ConfigEvent.Listener.NONE);
    return source.snapshot().config() != null;
  }

  /**
   * Bedrock Converse (text and JSON) through a throwaway client built the function's way: marshalling, signing, the
   * URLConnection HTTP client, unmarshalling.
   *
   * @param chain sign with what a throwaway default chain resolves (see {@link #credentialsAnswerLocally}), else
   *              with static dummy credentials
   */
  static boolean bedrock(Map<String, String> env, String stubUrl, boolean chain) {
    AwsCredentialsProvider credentials = chain ? DefaultCredentialsProvider.builder().build() : dummyCredentials();
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

  /** The OpenAI-compatible client on a throwaway JDK HTTP client, with a key that is not one. */
  static boolean openAi(String stubUrl) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try (http) {
      OpenAiCompatibleChatModel model = new OpenAiCompatibleChatModel(
          OpenAiCompatibleChatModel.Settings.of(stubUrl, "priming-not-a-key"), http);
      return model.complete(dryRequest("openai", false)).text() != null;
    }
  }

  /**
   * The quality judge's hand-off: {@link SqsJudgeHandoff} on a throwaway SQS client (static dummy credentials)
   * sending a task with no user's text: the judge task codec, SDK marshalling (AWS JSON), signing and the HTTP
   * client. The stub cannot compute the digests SQS returns, so this client alone skips the SDK's MD5 check.
   */
  static boolean judgeQueue(Map<String, String> env, String stubUrl) {
    String endpoint = stubUrl + CannedAnswers.SQS_PATH;
    try (SqsClient client = SqsClient.builder()
        .region(Region.of(env.get("AWS_REGION")))
        .credentialsProvider(dummyCredentials())
        .httpClient(UrlConnectionHttpClient.builder().build())
        .endpointOverride(URI.create(endpoint))
        .checksumValidationEnabled(false)
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build()) {
      new SqsJudgeHandoff(client, endpoint + "/000000000000/priming", Duration.ofSeconds(5)).handOff(new JudgeTask(
          "priming-request", "priming", "priming", Variant.CANARY,
          new QualityJudgeConfig("pairwise", 1.0, 1, null, null), List.of(new ChatMessage("user", "hello")),
          "hello", dryRequest("bedrock", false).version()));
      return true;
    }
  }

  /** Signing without reaching for any credentials: no profile file, no instance metadata. */
  private static AwsCredentialsProvider dummyCredentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMING", "priming-not-a-secret"));
  }

  private static ChatRequest dryRequest(String provider, boolean json) {
    return new ChatRequest(new VersionSpec("priming-model", provider, "You are a helpful assistant.", List.of(), 0.7, 64),
        List.of(new ChatMessage("user", "hello")), json, Duration.ofSeconds(5));
  }
}
