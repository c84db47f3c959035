package io.llmcanary.proxy;

import java.util.Map;

/**
 * One HTTP request as the proxy sees it, whatever carried it (API Gateway, the local server).
 *
 * @param path            the raw path, with the stage prefix API Gateway may put in front
 * @param stage           the API Gateway stage, or null / {@code $default}
 * @param headers         lower-case names
 * @param body            the body as received; base64 when {@code base64Encoded}
 * @param requestId       the carrier's request id, or null to have one made
 */
public record HttpCall(String method, String path, String stage, Map<String, String> headers, String body,
    boolean base64Encoded, String requestId) {

  public HttpCall {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
