package io.llmcanary.core.proxy;

import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.ChatModel;
import io.llmcanary.core.ports.JudgeHandoff;
import io.llmcanary.core.ports.MetricsSink;
import io.llmcanary.core.quality.AnswerCheck;
import io.llmcanary.core.qualityjudge.JudgeDispatch;
import io.llmcanary.core.quality.AnswerQuality;
import io.llmcanary.core.quality.JsonValidity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The request path of {@code POST /chat}, free of HTTP and AWS: route the user to a version, call that version's
 * model, check the answer, record one metrics line for the version, sign a feedback token. Clock and timer are
 * injected, so local runs, the simulator and tests drive it on their own time.
 *
 * <p>A model failure counts as an error of the version that failed. With {@code fallbackToStable} in the config,
 * a failed canary request is retried once on stable; the retry is counted as a fallback, not as a stable request
 * (see {@link ProxyCounters}), and its answer carries no feedback token, since it belongs to neither population.
 *
 * <p>One deadline covers the whole request ({@link ProxySettings#requestBudget()}): each model call may take the
 * model timeout or what is left of the budget, whichever is less, and the fallback is tried only with at least
 * {@link #MIN_FALLBACK} left. A slow canary followed by a slow stable still answers the proxy's JSON 504 before
 * API Gateway's integration timeout.
 *
 * <p>The user comes from {@link ProxySettings#userIdentity()}: the authenticated caller when the mode says so, and
 * only then is a feedback token bound to that user.
 */
public final class ChatService {

  /** Less than this left of the budget: no fallback call, it could not answer in time anyway. */
  public static final Duration MIN_FALLBACK = Duration.ofSeconds(1);

  private final SnapshotConfigSource config;
  private final VersionRouter router;
  private final ChatModels models;
  private final MetricsSink metrics;
  private final ProxyCounters counters;
  private final FeedbackTokens tokens;
  private final UserPseudonymizer pseudonyms;
  private final ProxySettings settings;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final JudgeDispatch judge;
  private final AnswerQuality quality;

  public ChatService(SnapshotConfigSource config, ChatModels models, MetricsSink metrics, ProxyCounters counters,
      FeedbackTokens tokens, UserPseudonymizer pseudonyms, ProxySettings settings, Clock clock, LongSupplier nanoTime,
      JsonValidity json) {
    this(config, models, metrics, counters, tokens, pseudonyms, settings, clock, nanoTime, JudgeHandoff.NONE, json);
  }

  /** With the quality judge's hand-off: sampled answers that passed the checks go to {@code judgeHandoff}. */
  public ChatService(SnapshotConfigSource config, ChatModels models, MetricsSink metrics, ProxyCounters counters,
      FeedbackTokens tokens, UserPseudonymizer pseudonyms, ProxySettings settings, Clock clock, LongSupplier nanoTime,
      JudgeHandoff judgeHandoff, JsonValidity json) {
    this.judge = new JudgeDispatch(judgeHandoff);
    this.quality = new AnswerQuality(json);
    this.config = config;
    this.router = new VersionRouter(settings.maxConfigAge(), settings.fallbackStable(), settings.defaultApplication());
    this.models = models;
    this.metrics = metrics;
    this.counters = counters;
    this.tokens = tokens;
    this.pseudonyms = pseudonyms;
    this.settings = settings;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** A request without an authenticated caller (body identity). */
  public ChatOutcome chat(ChatApiRequest request, String requestId) {
    return chat(request, Caller.NONE, requestId);
  }

  public ChatOutcome chat(ChatApiRequest request, Caller caller, String requestId) {
    long deadline = nanoTime.getAsLong() + settings.requestBudget().toNanos();
    Instant now = clock.instant();
    Validated<String> who = settings.userIdentity().user(caller, request.userId(), "chat");
    if (who instanceof Validated.Invalid<String> bad) {
      return new ChatOutcome.Refused(bad.error(), RequestTrace.rejected("chat", requestId, bad.error().refusal()));
    }
    String userId = ((Validated.Ok<String>) who).value();
    String user = pseudonyms.pseudonym(userId);
    Route route = router.route(config.snapshot(), userId, now);
    if (route instanceof Route.Unavailable u) {
      ApiError error = new ApiError(Refusal.NO_CONFIG, "config_unavailable",
          "the service has no rollout config to serve with", null);
      return new ChatOutcome.Refused(error, new RequestTrace("chat", requestId, user, null, null, null,
          error.refusal()));
    }
    Route.Serve serve = (Route.Serve) route;
    Attempt first = attempt(serve.spec(), request, deadline);
    record(serve, serve.variant(), serve.spec(), first, requestId, now);
    if (first.result != null) {
      if (!first.check.failed()) {
        handOff(serve, request, first.result, requestId, now);
      }
      return answered(serve, serve.variant(), serve.spec(), first, requestId, user, now, false);
    }
    RolloutConfig c = serve.config();
    ChatModelException.Kind failure = first.failure;
    boolean budgetSpent = false;
    if (serve.variant() == Variant.CANARY && c != null && c.fallbackToStable()) {
      if (deadline - nanoTime.getAsLong() < MIN_FALLBACK.toNanos()) {
        budgetSpent = true;
      } else {
        VersionSpec stable = c.version(Variant.STABLE).orElseThrow();
        Attempt retry = attempt(stable, request, deadline);
        counters.fallback(serve.application(), serve.rolloutId(), requestId, retry.result != null, now.toEpochMilli());
        if (retry.result != null) {
          return answered(serve, Variant.STABLE, stable, retry, requestId, user, now, true);
        }
        if (retry.failure == ChatModelException.Kind.TIMEOUT) {
          failure = ChatModelException.Kind.TIMEOUT;
          budgetSpent = true;
        }
      }
    }
    ApiError error = switch (failure) {
      case TIMEOUT -> new ApiError(Refusal.MODEL_TIMEOUT, "model_timeout", budgetSpent
          ? "no version answered within the request's " + settings.requestBudget().toSeconds() + " s budget"
          : "the model did not answer within " + Math.min(settings.modelTimeout().toSeconds(),
              settings.requestBudget().toSeconds()) + " s", null);
      case THROTTLED -> new ApiError(Refusal.MODEL_THROTTLED, "model_throttled",
          "the model provider is throttling requests; retry later", null);
      case ERROR -> new ApiError(Refusal.MODEL_ERROR, "model_error", "the model call failed", null);
    };
    return new ChatOutcome.Refused(error, new RequestTrace("chat", requestId, user, serving(serve, serve.variant()),
        new RequestTrace.ModelCall(serve.spec().model(), first.latencyMs, null, null,
            c != null && c.fallbackToStable() && serve.variant() == Variant.CANARY, kindName(failure)), null,
        error.refusal()));
  }

  private ChatOutcome.Answered answered(Route.Serve serve, Variant variant, VersionSpec spec, Attempt a,
      String requestId, String user, Instant now, boolean fallback) {
    ChatResult r = a.result;
    String token = serve.config() == null || fallback ? null
        : tokens.sign(new FeedbackToken(requestId, serve.application(), serve.rolloutId(), variant, now.getEpochSecond(),
            user));
    ChatAnswer answer = new ChatAnswer(r.text(), variant, requestId, token, r.inputTokens(), r.outputTokens(),
        cost(serve.config(), spec, r), fallback);
    return new ChatOutcome.Answered(answer, new RequestTrace("chat", requestId, user, serving(serve, variant),
        new RequestTrace.ModelCall(spec.model(), a.latencyMs, r.finishReason(), a.check.wireName(), fallback, null),
        null, null));
  }

  private static RequestTrace.Serving serving(Route.Serve serve, Variant variant) {
    return new RequestTrace.Serving(serve.application(), serve.rolloutId(), variant, serve.reason());
  }

  /**
   * The quality judge's sample (docs/architecture.md#the-quality-judge). Only answers that passed the automatic checks: a failed check is
   * already counted in its own row. Fallback answers are never judged, like they are never rated.
   */
  private void handOff(Route.Serve serve, ChatApiRequest request, ChatResult r, String requestId, Instant now) {
    JudgeDispatch.Result result = judge.offer(serve.config(), serve.variant(), requestId, request.messages(), r.text(),
        now);
    if (result != JudgeDispatch.Result.NOT_SAMPLED) {
      counters.judgeHandoff(serve.application(), serve.rolloutId(), requestId, result, now.toEpochMilli());
    }
  }

  /** One metrics line for the version that was asked, whatever happened. */
  private void record(Route.Serve serve, Variant variant, VersionSpec spec, Attempt a, String requestId,
      Instant now) {
    RequestMetrics m;
    if (a.result != null) {
      ChatResult r = a.result;
      m = new RequestMetrics(serve.application(), serve.rolloutId(), variant, requestId, spec.model(),
          r.finishReason(), now.toEpochMilli(), false, a.latencyMs, r.inputTokens(), r.outputTokens(),
          cost(serve.config(), spec, r), null, a.check.failed(), null, null);
    } else {
      m = new RequestMetrics(serve.application(), serve.rolloutId(), variant, requestId, spec.model(),
          "error_" + kindName(a.failure), now.toEpochMilli(), true, a.latencyMs, 0, 0, 0.0, null);
    }
    metrics.record(m);
  }

  /** One model call, bounded by the model timeout and what is left until {@code deadline} (nanoTime). */
  private Attempt attempt(VersionSpec spec, ChatApiRequest request, long deadline) {
    ChatModel model = models.forProvider(spec.provider()).orElse(null);
    long start = nanoTime.getAsLong();
    Duration left = Duration.ofNanos(Math.max(0, deadline - start));
    Duration timeout = left.compareTo(settings.modelTimeout()) < 0 ? left : settings.modelTimeout();
    try {
      if (model == null) {
        throw new ChatModelException(ChatModelException.Kind.ERROR,
            "provider '" + spec.provider() + "' is not set up in this function");
      }
      ChatResult r = model.complete(new ChatRequest(spec, request.messages(), request.jsonResponse(),
          timeout));
      double ms = (nanoTime.getAsLong() - start) / 1e6;
      return new Attempt(r, quality.check(r, request.jsonResponse()), null, ms);
    } catch (ChatModelException e) {
      return new Attempt(null, null, e.kind(), (nanoTime.getAsLong() - start) / 1e6);
    } catch (RuntimeException e) {
      // An adapter bug (say, an unexpected response shape) is still a failure of that version's model path.
      return new Attempt(null, null, ChatModelException.Kind.ERROR, (nanoTime.getAsLong() - start) / 1e6);
    }
  }

  private static double cost(RolloutConfig config, VersionSpec spec, ChatResult r) {
    if (config == null) {
      return 0.0;
    }
    return config.price(spec.model()).map(p -> p.cost(r.inputTokens(), r.outputTokens())).orElse(0.0);
  }

  private static String kindName(ChatModelException.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private record Attempt(ChatResult result, AnswerCheck check, ChatModelException.Kind failure, double latencyMs) {}
}
