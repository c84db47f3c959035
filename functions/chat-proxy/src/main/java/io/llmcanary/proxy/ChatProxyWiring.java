package io.llmcanary.proxy;

import io.llmcanary.aws.appconfig.AppConfigAgentConfigSource;
import io.llmcanary.aws.bedrock.BedrockConverseChatModel;
import io.llmcanary.aws.dynamodb.DynamoDbFeedbackLedger;
import io.llmcanary.aws.openai.OpenAiCompatibleChatModel;
import io.llmcanary.aws.sqs.SqsJudgeHandoff;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryFeedbackLedger;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.ports.ChatModel;
import io.llmcanary.core.ports.FeedbackLedger;
import io.llmcanary.core.ports.JudgeHandoff;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.ChatService;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.FeedbackService;
import io.llmcanary.core.proxy.ProxyKeys;
import io.llmcanary.core.proxy.ProxySettings;
import io.llmcanary.core.proxy.RequestLimits;
import io.llmcanary.core.proxy.RequestValidator;
import io.llmcanary.core.proxy.SnapshotConfigSource;
import io.llmcanary.core.proxy.UserIdentity;
import io.llmcanary.core.proxy.UserPseudonymizer;
import io.llmcanary.core.qualityjudge.HandoffBreaker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Builds the proxy once per container. {@link #fromEnvironment} is the Lambda wiring (AppConfig agent, Bedrock,
 * an OpenAI-compatible endpoint when configured, stdout for logs and EMF); {@link #builder()} lets the local runner,
 * tests and benchmarks put in their own config source, models and output.
 *
 * <p>Environment, all read once at init:
 * <pre>
 * APPCONFIG_APPLICATION, APPCONFIG_ENVIRONMENT, APPCONFIG_PROFILE  required: the rollout config profile
 * APPCONFIG_AGENT_URL            default http://localhost:2772
 * CANARY_CONFIG_TTL_SECONDS      how often the agent is asked, default 5
 * CANARY_CONFIG_MAX_AGE_SECONDS  unconfirmed config older than this serves stable only, default 900
 * CANARY_SECRET_ARN              the Secrets Manager secret (at least 32 bytes) that signs feedback tokens and keys
 *                                user pseudonyms: AWSCURRENT signs, AWSPREVIOUS still verifies. Read at init, after
 *                                a SnapStart restore and every CANARY_SECRET_REFRESH_SECONDS (default 300), never
 *                                per request (see {@link SecretRotation}). The template sets this.
 * CANARY_SECRET, CANARY_SECRET_PREVIOUS  without CANARY_SECRET_ARN: the secret itself (local runs, tests); never in
 *                                a deployed function's environment, where GetFunctionConfiguration would show it
 * CANARY_FEEDBACK_TTL_HOURS      feedback accepted this long after the answer, default 168
 * CANARY_MODEL_TIMEOUT_SECONDS   one model call's timeout, default 25
 * CANARY_REQUEST_BUDGET_MS       the whole /chat request's model time, the fallback to stable included (the JSON 504
 *                                after it), default 28000: below API Gateway's 30 s integration timeout
 * CANARY_USER_IDENTITY           where the user comes from: jwt:sub, iam or body (default body; the template sets
 *                                jwt:sub or iam after the API's auth mode)
 * CANARY_FEEDBACK_TABLE          the feedback ledger's DynamoDB table (once per answer, the per-user cap, across
 *                                containers); unset: an in-memory ledger, per container only (logged at init)
 * CANARY_FEEDBACK_PER_USER_PER_HOUR  feedbacks one user may give per rollout per hour, default 20
 * CANARY_EXPOSE_VERSION          true: answers name their version (body, headers, cost); default false
 * DYNAMODB_ENDPOINT_URL          optional endpoint override of the ledger's client (emulators)
 * CANARY_METRICS_NAMESPACE       EMF namespace, default LlmCanary
 * CANARY_APPLICATION             application recorded while no config was ever read, default "default"
 * CANARY_FALLBACK_MODEL, CANARY_FALLBACK_PROVIDER, CANARY_FALLBACK_SYSTEM_PROMPT, CANARY_FALLBACK_MAX_TOKENS
 *                                the stable version served before any config was read; unset: 503
 * BEDROCK_ENDPOINT_URL           optional endpoint override; BEDROCK_MAX_ATTEMPTS default 2
 * OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MAX_TOKENS_FIELD  the OpenAI-compatible provider, when used
 * CANARY_JUDGE_QUEUE_URL         optional: the quality judge's queue; sampled answers are sent there (SqsJudgeHandoff
 *                                behind a HandoffBreaker). Unset: nothing is sampled
 * CANARY_JUDGE_HANDOFF_TIMEOUT_MS  the hand-off's whole bound (one attempt, no retries), default 100
 * SQS_ENDPOINT_URL               optional endpoint override of the queue's client (emulators)
 * </pre>
 */
public final class ChatProxyWiring {

  public static final String OFFLINE_ROLLOUT_RESOURCE = "/io/llmcanary/proxy/offline-rollout.json";

  private ChatProxyWiring() {}

  /** The rollout config with two offline versions that ships in the jar (local runs, priming, tests). */
  public static RolloutConfig offlineRollout() {
    try (InputStream in = ChatProxyWiring.class.getResourceAsStream(OFFLINE_ROLLOUT_RESOURCE)) {
      return RolloutConfigCodec.parseOrThrow(new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ChatProxyApp fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, null);
  }

  /**
   * @param awsCredentials what the queue's client signs with; null: the default chain (in Lambda, also after a
   *                       SnapStart restore, where credentials come from the container endpoint)
   */
  static ChatProxyApp fromEnvironment(Map<String, String> env, AwsCredentialsProvider awsCredentials) {
    Duration modelTimeout = Duration.ofSeconds(num(env, "CANARY_MODEL_TIMEOUT_SECONDS", 25));
    AppConfigAgentConfigSource.Settings agent = AppConfigAgentConfigSource.Settings
        .of(required(env, "APPCONFIG_APPLICATION"), required(env, "APPCONFIG_ENVIRONMENT"),
            required(env, "APPCONFIG_PROFILE"))
        .withAgent(URI.create(env.getOrDefault("APPCONFIG_AGENT_URL", AppConfigAgentConfigSource.DEFAULT_AGENT.toString())))
        .withTtl(Duration.ofSeconds(num(env, "CANARY_CONFIG_TTL_SECONDS", 5)));
    Map<String, ChatModel> models = new HashMap<>();
    models.put(OfflineChatModel.PROVIDER, new OfflineChatModel());
    String region = env.get("AWS_REGION");
    if (bedrockWired(env)) {
      models.put(BedrockConverseChatModel.PROVIDER, new BedrockConverseChatModel(
          bedrockClient(region, env.get("BEDROCK_ENDPOINT_URL"), (int) num(env, "BEDROCK_MAX_ATTEMPTS", 2), modelTimeout)));
    }
    String openAi = env.get("OPENAI_BASE_URL");
    if (openAiWired(env)) {
      OpenAiCompatibleChatModel.Settings s = OpenAiCompatibleChatModel.Settings.of(openAi, env.get("OPENAI_API_KEY"));
      if (env.get("OPENAI_MAX_TOKENS_FIELD") != null) {
        s = new OpenAiCompatibleChatModel.Settings(s.baseUrl(), s.apiKey(), s.connectTimeout(), env.get("OPENAI_MAX_TOKENS_FIELD"));
      }
      models.put(OpenAiCompatibleChatModel.PROVIDER, new OpenAiCompatibleChatModel(s));
    }
    VersionSpec fallback = null;
    if (env.get("CANARY_FALLBACK_MODEL") != null) {
      fallback = new VersionSpec(env.get("CANARY_FALLBACK_MODEL"), env.get("CANARY_FALLBACK_PROVIDER"),
          env.getOrDefault("CANARY_FALLBACK_SYSTEM_PROMPT", ""), List.of(), null,
          (int) num(env, "CANARY_FALLBACK_MAX_TOKENS", 1024));
    }
    JudgeHandoff handoff = judgeHandoff(env, awsCredentials);
    UserIdentity identity = UserIdentity.parse(env.getOrDefault("CANARY_USER_IDENTITY", "body"));
    ProxySettings settings = new ProxySettings(modelTimeout,
        Duration.ofSeconds(num(env, "CANARY_CONFIG_MAX_AGE_SECONDS", 900)), fallback, env.get("CANARY_APPLICATION"),
        100_000, Duration.ofMillis(num(env, "CANARY_REQUEST_BUDGET_MS", ProxySettings.DEFAULT_REQUEST_BUDGET.toMillis())),
        identity, (int) num(env, "CANARY_FEEDBACK_PER_USER_PER_HOUR", ProxySettings.DEFAULT_FEEDBACK_PER_USER_PER_HOUR));
    return builder()
        .judgeHandoff(handoff)
        .feedbackLedger(feedbackLedger(env, awsCredentials))
        .exposeVersion(Boolean.parseBoolean(env.getOrDefault("CANARY_EXPOSE_VERSION", "false").trim()))
        .configSource(listener -> new AppConfigAgentConfigSource(agent, Clock.systemUTC(), listener))
        .models(new ChatModels(models))
        .secret(required(env, "CANARY_SECRET"), env.get("CANARY_SECRET_PREVIOUS"))
        .feedbackTtl(Duration.ofHours(num(env, "CANARY_FEEDBACK_TTL_HOURS", 168)))
        .namespace(env.get("CANARY_METRICS_NAMESPACE"))
        .settings(settings)
        .build();
  }

  /**
   * The feedback ledger this environment asks for: {@link DynamoDbFeedbackLedger} on {@code CANARY_FEEDBACK_TABLE}
   * (its client built here, once: 2 s for the whole call, 2 attempts), else null, for the builder's in-memory one.
   */
  static FeedbackLedger feedbackLedger(Map<String, String> env, AwsCredentialsProvider awsCredentials) {
    String table = env.get("CANARY_FEEDBACK_TABLE");
    if (table == null || table.isBlank()) {
      new JsonLog(JsonLog.stdout(), Clock.systemUTC()).info("feedback_ledger", Map.of("level_hint", "WARN",
          "store", "memory", "scope", "this container only",
          "fix", "set CANARY_FEEDBACK_TABLE so a feedback token counts once across all containers"));
      return null;
    }
    if (!bedrockWired(env)) {
      throw new IllegalStateException("environment variable AWS_REGION is required with CANARY_FEEDBACK_TABLE");
    }
    Duration bound = Duration.ofSeconds(2);
    DynamoDbClientBuilder b = DynamoDbClient.builder()
        .region(Region.of(env.get("AWS_REGION")))
        .credentialsProvider(awsCredentials != null ? awsCredentials : DefaultCredentialsProvider.builder().build())
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(bound).socketTimeout(bound).build())
        .overrideConfiguration(o -> o.apiCallTimeout(bound).retryStrategy(r -> r.maxAttempts(2)));
    String endpoint = env.get("DYNAMODB_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint));
    }
    return new DynamoDbFeedbackLedger(b.build(), table.trim());
  }

  /** Whether the secret comes from Secrets Manager (the deployed function) rather than the environment. */
  static boolean secretFromSecretsManager(Map<String, String> env) {
    String arn = env.get("CANARY_SECRET_ARN");
    return arn != null && !arn.isBlank();
  }

  /**
   * The Lambda wiring with the secret from Secrets Manager: one client, built here, for every read of the container's
   * life; the proxy is built from the environment with the secret's values in place of CANARY_SECRET(_PREVIOUS).
   */
  static SecretRotation secretRotation(Map<String, String> env) {
    String arn = env.get("CANARY_SECRET_ARN").trim();
    software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder b =
        software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
            .region(Region.of(required(env, "AWS_REGION")))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(5)).build());
    if (env.get("SECRETSMANAGER_ENDPOINT_URL") != null) {
      b.endpointOverride(URI.create(env.get("SECRETSMANAGER_ENDPOINT_URL")));
    }
    io.llmcanary.core.secrets.CachedSecret secret = new io.llmcanary.core.secrets.CachedSecret(
        new io.llmcanary.aws.secretsmanager.SecretsManagerSecretSource(b.build(), arn),
        Duration.ofSeconds(num(env, "CANARY_SECRET_REFRESH_SECONDS", 300)), Clock.systemUTC());
    return new SecretRotation(secret, v -> {
      Map<String, String> withSecret = new HashMap<>(env);
      withSecret.put("CANARY_SECRET", v.current());
      v.previousValue().ifPresentOrElse(p -> withSecret.put("CANARY_SECRET_PREVIOUS", p),
          () -> withSecret.remove("CANARY_SECRET_PREVIOUS"));
      return fromEnvironment(withSecret);
    }, System.out::println);
  }

  /**
   * Bedrock is wired when the region is known (always, in Lambda). Public for the SnapStart dry run
   * ({@code io.llmcanary.proxy.priming}), which primes what is wired.
   */
  public static boolean bedrockWired(Map<String, String> env) {
    String region = env.get("AWS_REGION");
    return region != null && !region.isBlank();
  }

  /**
   * The OpenAI-compatible adapter is wired when its base URL is given. Public for the SnapStart dry run
   * ({@code io.llmcanary.proxy.priming}), which primes what is wired.
   */
  public static boolean openAiWired(Map<String, String> env) {
    String url = env.get("OPENAI_BASE_URL");
    return url != null && !url.isBlank();
  }

  /**
   * The quality judge's hand-off this environment asks for: {@link JudgeHandoff#NONE} without
   * {@code CANARY_JUDGE_QUEUE_URL}, else {@link SqsJudgeHandoff} on a client of its own behind a
   * {@link HandoffBreaker}. Public for the benchmarks, which wire the same hand-off into an app of their own.
   *
   * @param awsCredentials what the queue's client signs with; null: the default chain
   */
  public static JudgeHandoff judgeHandoff(Map<String, String> env, AwsCredentialsProvider awsCredentials) {
    if (!judgeQueueWired(env)) {
      return JudgeHandoff.NONE;
    }
    if (!bedrockWired(env)) {
      throw new IllegalStateException("environment variable AWS_REGION is required with CANARY_JUDGE_QUEUE_URL");
    }
    Duration bound = Duration.ofMillis(num(env, "CANARY_JUDGE_HANDOFF_TIMEOUT_MS",
        SqsJudgeHandoff.DEFAULT_TIMEOUT.toMillis()));
    SqsClient sqs = sqsClient(env.get("AWS_REGION"), env.get("SQS_ENDPOINT_URL"), bound,
        awsCredentials != null ? awsCredentials : DefaultCredentialsProvider.builder().build());
    return new HandoffBreaker(new SqsJudgeHandoff(sqs, env.get("CANARY_JUDGE_QUEUE_URL").trim(), bound));
  }

  /**
   * The quality judge's queue is wired when the template gives its URL. Public for the SnapStart dry run
   * ({@code io.llmcanary.proxy.priming}), which primes what is wired.
   */
  public static boolean judgeQueueWired(Map<String, String> env) {
    String url = env.get("CANARY_JUDGE_QUEUE_URL");
    return url != null && !url.isBlank();
  }

  /**
   * The queue's client: one attempt (no retries on the request path), connect and read bounded by the hand-off's
   * bound, which {@link SqsJudgeHandoff} also sets as each call's API timeout.
   */
  static SqsClient sqsClient(String region, String endpoint, Duration bound, AwsCredentialsProvider credentials) {
    SqsClientBuilder b = SqsClient.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(bound)
            .socketTimeout(bound)
            .build())
        .overrideConfiguration(o -> o.apiCallTimeout(bound).retryStrategy(r -> r.maxAttempts(1)));
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint));
    }
    return b.build();
  }

  static BedrockRuntimeClient bedrockClient(String region, String endpoint, int maxAttempts, Duration timeout) {
    // Works in a SnapStart-restored environment too, where credentials come from the container endpoint.
    return bedrockClient(region, endpoint, maxAttempts, timeout, DefaultCredentialsProvider.builder().build());
  }

  /**
   * The one way this function builds a Bedrock client. Public for the SnapStart dry run
   * ({@code io.llmcanary.proxy.priming}), which builds its throwaway client here too, so it warms this very setup.
   */
  public static BedrockRuntimeClient bedrockClient(String region, String endpoint, int maxAttempts, Duration timeout,
      AwsCredentialsProvider credentials) {
    BedrockRuntimeClientBuilder b = BedrockRuntimeClient.builder()
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(3))
            .socketTimeout(timeout)
            .build())
        .overrideConfiguration(o -> o.apiCallTimeout(timeout).retryStrategy(r -> r.maxAttempts(Math.max(1, maxAttempts))));
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint));
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Assembles a {@link ChatProxyApp}; unset parts get the Lambda defaults (stdout, system clock). */
  public static final class Builder {
    private Function<ConfigEvent.Listener, SnapshotConfigSource> configSource;
    private ChatModels models = new ChatModels(Map.of(OfflineChatModel.PROVIDER, new OfflineChatModel()));
    private String secret;
    private String previousSecret;
    private Duration feedbackTtl = Duration.ofDays(7);
    private String namespace = EmfEncoder.DEFAULT_NAMESPACE;
    private ProxySettings settings = ProxySettings.defaults();
    private RequestLimits limits = RequestLimits.defaults();
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private Consumer<String> out = JsonLog.stdout();
    private JudgeHandoff judgeHandoff = JudgeHandoff.NONE;
    private FeedbackLedger feedbackLedger;
    private boolean exposeVersion;

    /** A source built with the listener that logs and counts config events. */
    public Builder configSource(Function<ConfigEvent.Listener, SnapshotConfigSource> factory) {
      this.configSource = factory;
      return this;
    }

    public Builder configSource(SnapshotConfigSource source) {
      return configSource(listener -> source);
    }

    public Builder models(ChatModels m) {
      this.models = m;
      return this;
    }

    public Builder secret(String current, String previous) {
      this.secret = current;
      this.previousSecret = previous;
      return this;
    }

    public Builder feedbackTtl(Duration ttl) {
      this.feedbackTtl = ttl;
      return this;
    }

    public Builder namespace(String ns) {
      this.namespace = ns == null || ns.isBlank() ? EmfEncoder.DEFAULT_NAMESPACE : ns;
      return this;
    }

    public Builder settings(ProxySettings s) {
      this.settings = s;
      return this;
    }

    public Builder limits(RequestLimits l) {
      this.limits = l;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder nanoTime(LongSupplier n) {
      this.nanoTime = n;
      return this;
    }

    /** Where sampled answers go for the quality judge (none by default: nothing is sampled). */
    public Builder judgeHandoff(JudgeHandoff h) {
      this.judgeHandoff = h == null ? JudgeHandoff.NONE : h;
      return this;
    }

    /**
     * What feedback was taken, shared by all containers (the DynamoDB table in Lambda). Unset: one in memory, which
     * stops replays within this process only; the build logs that.
     */
    public Builder feedbackLedger(FeedbackLedger ledger) {
      this.feedbackLedger = ledger;
      return this;
    }

    /** Whether answers name their version to the client ({@code CANARY_EXPOSE_VERSION}); default false. */
    public Builder exposeVersion(boolean expose) {
      this.exposeVersion = expose;
      return this;
    }

    /** Where log and EMF lines go; the same stream, as in Lambda. */
    public Builder output(Consumer<String> lines) {
      this.out = lines;
      return this;
    }

    public ChatProxyApp build() {
      Objects.requireNonNull(configSource, "a config source is required");
      if (secret == null) {
        throw new IllegalStateException("CANARY_SECRET is not set (nor CANARY_SECRET_ARN, the Secrets Manager secret"
            + " the template names): the proxy needs a secret of at least "
            + ProxyKeys.MIN_SECRET_BYTES + " bytes to sign feedback tokens and pseudonymise user ids");
      }
      ProxyKeys keys = ProxyKeys.derive(secret, previousSecret);
      JsonLog log = new JsonLog(out, clock);
      EmfStdout emf = new EmfStdout(namespace, out);
      String app = settings.defaultApplication() == null ? RolloutConfig.DEFAULT_APPLICATION : settings.defaultApplication();
      SnapshotConfigSource source = configSource.apply(e -> {
        log.config(e);
        emf.configEvent(app, e, clock.millis());
      });
      FeedbackTokens tokens = new FeedbackTokens(keys.feedbackKeys(), feedbackTtl, Duration.ofMinutes(5));
      UserPseudonymizer pseudonyms = new UserPseudonymizer(keys.pseudonymKey(), keys.previousPseudonymKey());
      ChatService chat = new ChatService(source, models, emf, emf, tokens, pseudonyms, settings, clock, nanoTime,
          judgeHandoff, io.llmcanary.codec.JsonAnswers.INSTANCE);
      FeedbackLedger ledger = feedbackLedger != null ? feedbackLedger : new InMemoryFeedbackLedger(clock);
      FeedbackService feedback = new FeedbackService(source, tokens, pseudonyms, ledger, emf, emf, settings, clock);
      return new ChatProxyApp(chat, feedback, new RequestValidator(limits), log, nanoTime, exposeVersion);
    }
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is required");
    }
    return v;
  }

  private static long num(Map<String, String> env, String name, long dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("environment variable " + name + " must be a whole number, got '" + v + "'", e);
    }
  }
}
