package io.llmcanary.core.proxy;

/**
 * An error answer of the proxy: {@code {"error": {"code", "message", "field"}}} with an HTTP status. The message
 * is written for the client and never holds a stack trace, a user id, a prompt or an answer.
 *
 * @param field the request field at fault ({@code messages[2].role}), or null when no field is
 */
public record ApiError(int status, String code, String message, String field) {

  public static ApiError badRequest(String code, String field, String message) {
    return new ApiError(400, code, message, field);
  }

  public static ApiError notFound(String path) {
    return new ApiError(404, "not_found", "no route for this path; use POST /chat or POST /feedback", null);
  }

  public static ApiError methodNotAllowed() {
    return new ApiError(405, "method_not_allowed", "use POST", null);
  }

  public static ApiError internal() {
    return new ApiError(500, "internal_error", "internal error; the request id identifies it in the logs", null);
  }
}
