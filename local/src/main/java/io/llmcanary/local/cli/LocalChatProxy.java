package io.llmcanary.local.cli;

import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.RolloutConfigValidator;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.core.qualityjudge.HeuristicJudge;
import io.llmcanary.core.qualityjudge.QualityJudgeRun;
import io.llmcanary.proxy.EmfStdout;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import io.llmcanary.proxy.ChatProxyHandler;
import io.llmcanary.proxy.ChatProxyWiring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The chat-proxy handler wired for local use: the rollout config from a file (or the offline one that ships in
 * the jar), the offline model (the shipped config names it; a config naming Bedrock or OpenAI fails those requests
 * as model errors, as an unconfigured provider would in Lambda), and output to the given line sink.
 *
 * <p>The quality judge runs in-process: a sampled answer goes straight to the {@code quality-judge} function's core
 * ({@link QualityJudgeRun}) with the offline {@link HeuristicJudge} and the offline model for pairwise mode's
 * shadow stable answers, and its {@code JudgeScore}/{@code Preference} line joins the same output.
 *
 * <p>The secret is {@code CANARY_SECRET} when set, else a fixed development secret, so feedback tokens issued
 * by one {@code canaryctl invoke} still verify in the next. Never use that secret anywhere else.
 *
 * <p>The user is the body's {@code userId} ({@code CANARY_USER_IDENTITY=body}: a local request carries no JWT or IAM
 * identity), so {@code POST /feedback} names the same {@code userId} as the {@code /chat} it rates. Feedback is taken
 * once per answer and at most 20 per user per hour, in memory.
 */
final class LocalChatProxy {

  static final String LOCAL_DEV_SECRET = "llm-canary-local-development-secret-not-for-production";

  private LocalChatProxy() {}

  static ChatProxyHandler handler(RolloutConfig config, Consumer<String> lines) {
    String secret = System.getenv("CANARY_SECRET");
    QualityJudgeRun judge = new QualityJudgeRun(new HeuristicJudge(),
        new ChatModels(Map.of(OfflineChatModel.PROVIDER, new OfflineChatModel())), new EmfStdout(null, lines),
        Clock.systemUTC(), Duration.ofSeconds(5));
    return new ChatProxyHandler(ChatProxyWiring.builder()
        .configSource(new FixedConfigSource(config))
        .secret(secret == null || secret.isBlank() ? LOCAL_DEV_SECRET : secret, null)
        .output(lines)
        .judgeHandoff(judge::run)
        // A developer's view: the answer names its version, unlike in Lambda (CANARY_EXPOSE_VERSION=false hides it).
        .exposeVersion(!"false".equalsIgnoreCase(String.valueOf(System.getenv("CANARY_EXPOSE_VERSION")).trim()))
        .build());
  }

  /** The config at {@code path}, or the shipped offline config; a percent override applied and re-validated. */
  static RolloutConfig config(String path, Double canaryPercent) {
    RolloutConfig c;
    if (path == null) {
      c = ChatProxyWiring.offlineRollout();
    } else {
      String json;
      try {
        json = Files.readString(Path.of(path));
      } catch (IOException e) {
        throw new UsageException("cannot read --config " + path + ": " + e.getMessage());
      }
      c = switch (RolloutConfigCodec.parse(json)) {
        case RolloutConfigCodec.Parsed.Valid v -> v.config();
        case RolloutConfigCodec.Parsed.Invalid i -> throw new UsageException("--config " + path
            + " is not a valid rollout config: " + i.summary());
      };
    }
    if (canaryPercent != null) {
      c = c.withCanaryPercent(canaryPercent);
      List<ConfigError> errors = RolloutConfigValidator.validate(c);
      if (!errors.isEmpty()) {
        throw new UsageException("--canary-percent " + canaryPercent + ": "
            + errors.stream().map(ConfigError::toString).collect(Collectors.joining("; ")));
      }
    }
    return c;
  }
}
