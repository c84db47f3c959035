package io.llmcanary.core.proxy;

/**
 * Size limits of a request (docs/architecture.md#security-and-trust-boundaries): they bound what one request can cost the proxy and the model.
 *
 * @param maxBodyBytes   body size after base64 decoding, UTF-8 bytes
 * @param maxMessages    messages in one chat request
 * @param maxUserIdChars length of the user id
 * @param maxConversationIdChars length of the optional conversation id
 */
public record RequestLimits(int maxBodyBytes, int maxMessages, int maxUserIdChars, int maxConversationIdChars) {

  public static RequestLimits defaults() {
    return new RequestLimits(256 * 1024, 100, 256, 256);
  }
}
