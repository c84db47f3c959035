package io.llmcanary.proxy;

import io.llmcanary.core.proxy.Caller;
import java.util.Map;

/**
 * One HTTP request as the proxy sees it, whatever carried it (API Gateway, the local server).
 *
 * @param path            the raw path, with the stage prefix API Gateway may put in front
 * @param stage           the API Gateway stage, or null / {@code $default}
 * @param headers         lower-case names
 * @param body            the body as received; base64 when {@code base64Encoded}
 * @param requestId       the carrier's request id, or null to have one made
 * @param caller          who API Gateway authenticated (its request context's authorizer), {@link Caller#NONE}
 *                        when the carrier knows nobody
 */
public record HttpCall(String method, String path, String stage, Map<String, String> headers, String body,
    boolean base64Encoded, String requestId, Caller caller) {

  public HttpCall {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    caller = caller == null ? Caller.NONE : caller;
  }

  /** A call without an authenticated caller. */
  public HttpCall(String method, String path, String stage, Map<String, String> headers, String body,
      boolean base64Encoded, String requestId) {
    this(method, path, stage, headers, body, base64Encoded, requestId, Caller.NONE);
  }
}
