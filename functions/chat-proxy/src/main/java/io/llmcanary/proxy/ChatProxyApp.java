package io.llmcanary.proxy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.llmcanary.codec.Json;
import io.llmcanary.core.proxy.ApiError;
import io.llmcanary.core.proxy.ChatAnswer;
import io.llmcanary.core.proxy.ChatApiRequest;
import io.llmcanary.core.proxy.ChatOutcome;
import io.llmcanary.core.proxy.ChatService;
import io.llmcanary.core.proxy.FeedbackApiRequest;
import io.llmcanary.core.proxy.FeedbackOutcome;
import io.llmcanary.core.proxy.FeedbackService;
import io.llmcanary.core.proxy.RequestTrace;
import io.llmcanary.core.proxy.RequestValidator;
import io.llmcanary.core.proxy.Validated;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The proxy's HTTP surface, independent of what carries the request: routes {@code POST /chat} and
 * {@code POST /feedback}, turns bodies into validated requests, calls the core services, writes the JSON answer
 * and one structured log line. Every failure becomes a JSON error; nothing below it can put a stack trace into a
 * response.
 *
 * <p>The serving version is the operators' to know, not the end user's: a client that knows which answers are
 * canary's can aim its feedback at them. Unless {@code exposeVersion} ({@code CANARY_EXPOSE_VERSION}),
 * answers carry neither the {@code version} field nor the {@code x-canary-version} and {@code x-canary-fallback}
 * headers, and the usage leaves out the cost (a price per model names the model). Logs and metrics always have it.
 */
public final class ChatProxyApp {

  public static final String VERSION_HEADER = "x-canary-version";
  public static final String REQUEST_ID_HEADER = "x-request-id";
  public static final String FALLBACK_HEADER = "x-canary-fallback";
  /** Request ids go into feedback tokens and logs: only ids of this shape are taken from the caller. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:=+/-]{1,128}");
  /** Answers keep their null fields ({@code "field": null}, {@code "feedbackToken": null}): the documented shape. */
  private static final ObjectWriter RESPONSE_WRITER = Json.MAPPER.copy()
      .setSerializationInclusion(JsonInclude.Include.ALWAYS).writer();

  private final ChatService chat;
  private final FeedbackService feedback;
  private final RequestValidator validator;
  private final RequestBodies bodies;
  private final JsonLog log;
  private final LongSupplier nanoTime;
  private final boolean exposeVersion;

  /** With the version shown to clients (local runs, tests). */
  public ChatProxyApp(ChatService chat, FeedbackService feedback, RequestValidator validator, JsonLog log,
      LongSupplier nanoTime) {
    this(chat, feedback, validator, log, nanoTime, true);
  }

  public ChatProxyApp(ChatService chat, FeedbackService feedback, RequestValidator validator, JsonLog log,
      LongSupplier nanoTime, boolean exposeVersion) {
    this.exposeVersion = exposeVersion;
    this.chat = chat;
    this.feedback = feedback;
    this.validator = validator;
    this.bodies = new RequestBodies(validator.limits().maxBodyBytes());
    this.log = log;
    this.nanoTime = nanoTime;
  }

  public HttpReply handle(HttpCall call) {
    long start = nanoTime.getAsLong();
    String requestId = call.requestId() != null && SAFE_ID.matcher(call.requestId()).matches()
        ? call.requestId() : UUID.randomUUID().toString();
    String route = route(call);
    try {
      return switch (route) {
        case "chat", "feedback" -> {
          if (!"POST".equalsIgnoreCase(call.method())) {
            yield reject(route, requestId, ApiError.methodNotAllowed(), start);
          }
          RequestBodies.Parsed parsed = bodies.parse(call.body(), call.base64Encoded());
          if (parsed.error() != null) {
            yield reject(route, requestId, parsed.error(), start);
          }
          yield route.equals("chat") ? chat(parsed.json(), call, requestId, start)
              : feedback(parsed.json(), call, requestId, start);
        }
        default -> reject("unknown", requestId, ApiError.notFound(call.path()), start);
      };
    } catch (RuntimeException e) {
      log.unexpected(requestId, e);
      return reject(route, requestId, ApiError.internal(), start);
    }
  }

  private HttpReply chat(Object json, HttpCall call, String requestId, long start) {
    Validated<ChatApiRequest> v = validator.chat(json);
    if (v instanceof Validated.Invalid<ChatApiRequest> bad) {
      return reject("chat", requestId, bad.error(), start);
    }
    ChatOutcome outcome = chat.chat(((Validated.Ok<ChatApiRequest>) v).value(), call.caller(), requestId);
    return switch (outcome) {
      case ChatOutcome.Answered a -> {
        log.request(a.trace(), null, ms(start));
        yield ok(answerJson(a.answer()), requestId, a.answer());
      }
      case ChatOutcome.Refused r -> {
        log.request(r.trace(), r.error(), ms(start));
        yield error(r.error(), requestId,
            !exposeVersion || r.trace().serving() == null || r.trace().serving().version() == null ? null
                : r.trace().serving().version().wireName());
      }
    };
  }

  private HttpReply feedback(Object json, HttpCall call, String requestId, long start) {
    Validated<FeedbackApiRequest> v = validator.feedback(json);
    if (v instanceof Validated.Invalid<FeedbackApiRequest> bad) {
      return reject("feedback", requestId, bad.error(), start);
    }
    FeedbackOutcome outcome = feedback.feedback(((Validated.Ok<FeedbackApiRequest>) v).value(), call.caller(),
        requestId);
    return switch (outcome) {
      case FeedbackOutcome.Recorded r -> {
        log.request(r.trace(), null, ms(start));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recorded", true);
        body.put("requestId", r.requestId());
        if (exposeVersion) {
          body.put("version", r.version().wireName());
        }
        body.put("score", r.score());
        yield reply(200, body, requestId, null, false);
      }
      case FeedbackOutcome.Refused r -> {
        log.request(r.trace(), r.error(), ms(start));
        yield error(r.error(), requestId, null);
      }
    };
  }

  private HttpReply reject(String route, String requestId, ApiError error, long start) {
    log.request(RequestTrace.rejected(route, requestId, error.refusal()), error, ms(start));
    return error(error, requestId, null);
  }

  private Map<String, Object> answerJson(ChatAnswer a) {
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("inputTokens", a.inputTokens());
    usage.put("outputTokens", a.outputTokens());
    if (exposeVersion) {
      usage.put("cost", a.cost());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("answer", a.answer());
    if (exposeVersion) {
      body.put("version", a.version().wireName());
    }
    body.put("requestId", a.requestId());
    body.put("feedbackToken", a.feedbackToken());
    body.put("usage", usage);
    return body;
  }

  private HttpReply ok(Map<String, Object> body, String requestId, ChatAnswer a) {
    return exposeVersion ? reply(200, body, requestId, a.version().wireName(), a.fallback())
        : reply(200, body, requestId, null, false);
  }

  private HttpReply error(ApiError e, String requestId, String version) {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("code", e.code());
    inner.put("message", e.message());
    inner.put("field", e.field());
    return reply(HttpStatuses.of(e.refusal()), Map.of("error", inner), requestId, version, false);
  }

  private static HttpReply reply(int status, Map<String, Object> body, String requestId, String version,
      boolean fallback) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("cache-control", "no-store");
    headers.put(REQUEST_ID_HEADER, requestId);
    if (version != null) {
      headers.put(VERSION_HEADER, version);
    }
    if (fallback) {
      headers.put(FALLBACK_HEADER, "true");
    }
    if (status == 405) {
      headers.put("allow", "POST");
    }
    String json;
    try {
      json = RESPONSE_WRITER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      status = 500;
      json = "{\"error\":{\"code\":\"internal_error\",\"message\":\"internal error\",\"field\":null}}";
    }
    return new HttpReply(status, headers, json);
  }

  /** {@code /chat} or {@code /feedback}, behind an optional stage prefix ({@code /prod/chat}) and trailing slash. */
  static String route(HttpCall call) {
    String path = call.path() == null ? "" : call.path();
    String stage = call.stage();
    if (stage != null && !stage.isEmpty() && !"$default".equals(stage) && path.startsWith("/" + stage + "/")) {
      path = path.substring(stage.length() + 1);
    }
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return switch (path) {
      case "/chat" -> "chat";
      case "/feedback" -> "feedback";
      default -> "unknown";
    };
  }

  private double ms(long start) {
    return (nanoTime.getAsLong() - start) / 1e6;
  }
}
