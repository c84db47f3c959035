package io.llmcanary.core.proxy;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.feedback.FeedbackTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates the JSON bodies of {@code /chat} and {@code /feedback}, given as the plain Java tree a JSON parser
 * yields ({@link Map}, {@link List}, {@link String}, {@link Number}, {@link Boolean}, null), so this stays free of
 * any JSON library. The first problem wins and names its field; messages name the rule, never echo the value.
 *
 * <p>{@code userId} is optional here: whether it is needed, and whether it is used at all, depends on where the
 * user comes from ({@link UserIdentity}); when present it must have the right shape either way.
 *
 * <p>Beyond the shapes, a conversation must start with a user turn and alternate user and assistant: Bedrock
 * Converse refuses anything else with a ValidationException, and a refusal caused by the client must be a 400 here,
 * not a model error counted against the version that happened to serve it.
 */
public final class RequestValidator {

  private final RequestLimits limits;

  public RequestValidator(RequestLimits limits) {
    this.limits = limits;
  }

  public RequestLimits limits() {
    return limits;
  }

  public Validated<ChatApiRequest> chat(Object json) {
    if (!(json instanceof Map<?, ?> body)) {
      return Validated.invalid("invalid_type", "$", "the request body must be a JSON object");
    }
    Validated<String> userId = userId(body.get("userId"));
    if (userId instanceof Validated.Invalid<String> bad) {
      return new Validated.Invalid<>(bad.error());
    }
    String user = ((Validated.Ok<String>) userId).value();
    Object conversation = body.get("conversationId");
    if (conversation != null) {
      if (!(conversation instanceof String c)) {
        return Validated.invalid("invalid_type", "conversationId", "conversationId must be a string");
      }
      if (c.length() > limits.maxConversationIdChars()) {
        return Validated.invalid("too_long", "conversationId",
            "conversationId must be at most " + limits.maxConversationIdChars() + " characters");
      }
    }
    Validated<Boolean> format = responseFormat(body.get("responseFormat"));
    if (format instanceof Validated.Invalid<Boolean> bad) {
      return new Validated.Invalid<>(bad.error());
    }
    Object messages = body.get("messages");
    if (messages == null) {
      return Validated.invalid("missing_field", "messages", "messages is required");
    }
    if (!(messages instanceof List<?> list)) {
      return Validated.invalid("invalid_type", "messages", "messages must be an array");
    }
    if (list.isEmpty()) {
      return Validated.invalid("empty_field", "messages", "messages must hold at least one message");
    }
    if (list.size() > limits.maxMessages()) {
      return Validated.invalid("too_many", "messages", "messages must hold at most " + limits.maxMessages() + " messages");
    }
    List<ChatMessage> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String at = "messages[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        return Validated.invalid("invalid_type", at, "each message must be an object with role and content");
      }
      Object role = m.get("role");
      if (role == null) {
        return Validated.invalid("missing_field", at + ".role", "role is required");
      }
      if (!(role instanceof String r) || !(r.equals("user") || r.equals("assistant"))) {
        return Validated.invalid("invalid_role", at + ".role",
            "role must be \"user\" or \"assistant\" (the system prompt comes from the rollout config)");
      }
      Object content = m.get("content");
      if (content == null) {
        return Validated.invalid("missing_field", at + ".content", "content is required");
      }
      if (!(content instanceof String text)) {
        return Validated.invalid("invalid_type", at + ".content", "content must be a string");
      }
      if (text.isBlank()) {
        return Validated.invalid("empty_field", at + ".content", "content must not be empty");
      }
      String expected = i % 2 == 0 ? "user" : "assistant";
      if (!r.equals(expected)) {
        return Validated.invalid("invalid_turn_order", at + ".role",
            "a conversation starts with a user message and alternates user and assistant; expected \"" + expected + "\"");
      }
      out.add(new ChatMessage(r, text));
    }
    String conversationId = conversation instanceof String c ? c : null;
    return new Validated.Ok<>(new ChatApiRequest(user, out, conversationId, ((Validated.Ok<Boolean>) format).value()));
  }

  /** An optional user id: absent is Ok(null); present, a non-blank string within the limit. */
  private Validated<String> userId(Object userId) {
    if (userId == null) {
      return new Validated.Ok<>(null);
    }
    if (!(userId instanceof String user)) {
      return Validated.invalid("invalid_type", "userId", "userId must be a string");
    }
    if (user.isBlank()) {
      return Validated.invalid("empty_field", "userId", "userId must not be empty");
    }
    if (user.length() > limits.maxUserIdChars()) {
      return Validated.invalid("too_long", "userId", "userId must be at most " + limits.maxUserIdChars() + " characters");
    }
    return new Validated.Ok<>(user);
  }

  /** {@code "text"}, {@code "json"}, or the OpenAI shape {@code {"type": "text" | "json_object"}}; absent is text. */
  private static Validated<Boolean> responseFormat(Object value) {
    if (value == null) {
      return new Validated.Ok<>(false);
    }
    Object type = value instanceof Map<?, ?> m ? m.get("type") : value;
    if (type instanceof String t) {
      switch (t) {
        case "text" -> {
          return new Validated.Ok<>(false);
        }
        case "json", "json_object" -> {
          return new Validated.Ok<>(true);
        }
        default -> { }
      }
    }
    return Validated.invalid("invalid_value", "responseFormat",
        "responseFormat must be \"text\" or \"json\" (or {\"type\": \"text\" | \"json_object\"})");
  }

  public Validated<FeedbackApiRequest> feedback(Object json) {
    if (!(json instanceof Map<?, ?> body)) {
      return Validated.invalid("invalid_type", "$", "the request body must be a JSON object");
    }
    Object token = body.get("feedbackToken");
    if (token == null) {
      return Validated.invalid("missing_field", "feedbackToken", "feedbackToken is required (it comes with each /chat answer)");
    }
    if (!(token instanceof String t)) {
      return Validated.invalid("invalid_type", "feedbackToken", "feedbackToken must be a string");
    }
    if (t.isBlank()) {
      return Validated.invalid("empty_field", "feedbackToken", "feedbackToken must not be empty");
    }
    if (t.length() > FeedbackTokens.MAX_TOKEN_CHARS) {
      return Validated.invalid("too_long", "feedbackToken", "feedbackToken is longer than any token /chat issues");
    }
    Object score = body.get("score");
    if (score == null) {
      return Validated.invalid("missing_field", "score", "score is required: a number in [0, 1], or \"up\" or \"down\"");
    }
    double value;
    if (score instanceof String s && (s.equals("up") || s.equals("down"))) {
      value = s.equals("up") ? 1.0 : 0.0;
    } else if (score instanceof Number n) {
      value = n.doubleValue();
      if (!(value >= 0.0 && value <= 1.0)) { // also refuses NaN
        return Validated.invalid("out_of_range", "score", "score must be within [0, 1]");
      }
    } else {
      return Validated.invalid("invalid_type", "score", "score must be a number in [0, 1], or \"up\" or \"down\"");
    }
    Validated<String> userId = userId(body.get("userId"));
    if (userId instanceof Validated.Invalid<String> bad) {
      return new Validated.Invalid<>(bad.error());
    }
    return new Validated.Ok<>(new FeedbackApiRequest(t, value, ((Validated.Ok<String>) userId).value()));
  }
}
