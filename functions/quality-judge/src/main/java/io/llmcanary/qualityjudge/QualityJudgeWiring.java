package io.llmcanary.qualityjudge;

import io.llmcanary.aws.bedrock.BedrockConverseChatModel;
import io.llmcanary.aws.bedrock.BedrockConverseJudgeModel;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.ChatModel;
import io.llmcanary.core.ports.JudgeModel;
import io.llmcanary.core.ports.MetricsSink;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.qualityjudge.HeuristicJudge;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.core.qualityjudge.QualityJudgeRun;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;

/**
 * Builds the judge function once per container: one Bedrock client for the judge model and the shadow answers, EMF
 * on stdout. Environment, read once: {@code AWS_REGION}; {@code CANARY_METRICS_NAMESPACE} (default LlmCanary);
 * {@code JUDGE_TIMEOUT_SECONDS} per judge or shadow call (default 20); {@code BEDROCK_ENDPOINT_URL} optional. A
 * rollout whose judge model is {@code offline} is graded by the {@link HeuristicJudge} (smoke tests).
 */
public final class QualityJudgeWiring {

  private final Function<String, JudgeModel> judges;
  private final ChatModels shadowModels;
  private final MetricsSink metrics;
  private final JudgeErrors errors;
  private final Clock clock;
  private final Duration timeout;

  public QualityJudgeWiring(Function<String, JudgeModel> judges, ChatModels shadowModels, MetricsSink metrics,
      JudgeErrors errors, Clock clock, Duration timeout) {
    this.judges = judges;
    this.shadowModels = shadowModels;
    this.metrics = metrics;
    this.errors = errors;
    this.clock = clock;
    this.timeout = timeout;
  }

  static QualityJudgeWiring fromEnvironment(Map<String, String> env) {
    Duration timeout = Duration.ofSeconds(Long.parseLong(env.getOrDefault("JUDGE_TIMEOUT_SECONDS", "20")));
    BedrockRuntimeClientBuilder b = BedrockRuntimeClient.builder()
        .region(Region.of(env.get("AWS_REGION")))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3)).socketTimeout(timeout)
            .build())
        .overrideConfiguration(o -> o.apiCallTimeout(timeout).retryStrategy(r -> r.maxAttempts(1)));
    String endpoint = env.get("BEDROCK_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint));
    }
    ChatModel converse = new BedrockConverseChatModel(b.build());
    EmfEncoder emf = new EmfEncoder(env.get("CANARY_METRICS_NAMESPACE"));
    Clock clock = Clock.systemUTC();
    return new QualityJudgeWiring(
        model -> OfflineChatModel.PROVIDER.equals(model) ? new HeuristicJudge()
            : new BedrockConverseJudgeModel(converse, model, timeout),
        new ChatModels(Map.of(BedrockConverseChatModel.PROVIDER, converse, OfflineChatModel.PROVIDER,
            new OfflineChatModel())),
        (RequestMetrics m) -> System.out.println(emf.encode(m)),
        new JudgeErrors(env.get("CANARY_METRICS_NAMESPACE"), System.out::println, clock), clock, timeout);
  }

  /** The run for one task: the judge model the task's rollout names. */
  QualityJudgeRun runFor(JudgeTask task) {
    return new QualityJudgeRun(judges.apply(task.judge().model()), shadowModels, metrics, clock, timeout);
  }

  JudgeErrors errors() {
    return errors;
  }
}
