package io.llmcanary.core.proxy;

/**
 * An error answer of the proxy: why ({@link Refusal}, which the chat-proxy module maps to the HTTP status) and
 * {@code {"error": {"code", "message", "field"}}}. The message is written for the client and never holds a stack
 * trace, a user id, a prompt or an answer.
 *
 * @param field the request field at fault ({@code messages[2].role}), or null when no field is
 */
public record ApiError(Refusal refusal, String code, String message, String field) {

  public static ApiError badRequest(String code, String field, String message) {
    return new ApiError(Refusal.INVALID_REQUEST, code, message, field);
  }

  public static ApiError notFound(String path) {
    return new ApiError(Refusal.NO_ROUTE, "not_found", "no route for this path; use POST /chat or POST /feedback",
        null);
  }

  public static ApiError methodNotAllowed() {
    return new ApiError(Refusal.WRONG_METHOD, "method_not_allowed", "use POST", null);
  }

  public static ApiError internal() {
    return new ApiError(Refusal.INTERNAL, "internal_error", "internal error; the request id identifies it in the logs",
        null);
  }
}
