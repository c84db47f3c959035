package io.llmcanary.core.proxy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proxy's keys, derived from one secret (deployed from Secrets Manager, never in code): one for feedback
 * tokens and one for pseudonymising user ids. Separate keys per purpose, so a pseudonym never doubles as a MAC
 * anyone could use elsewhere. A previous secret, when given, still verifies feedback tokens during a rotation.
 *
 * @param feedbackKeys         the signing key first, then verify-only keys of the previous secret
 * @param pseudonymKey         keys the HMAC that pseudonymises user ids in logs (and binds feedback tokens to users)
 * @param previousPseudonymKey the previous secret's, during a rotation (tokens issued before it are bound to the
 *                             user's pseudonym under this key), else null
 */
public record ProxyKeys(List<byte[]> feedbackKeys, byte[] pseudonymKey, byte[] previousPseudonymKey) {

  /** At least this many bytes of secret: 256 bits for HMAC-SHA256. */
  public static final int MIN_SECRET_BYTES = 32;

  public static ProxyKeys derive(String secret, String previousSecret) {
    byte[] master = bytes(secret, "the proxy secret");
    List<byte[]> feedback = new ArrayList<>();
    feedback.add(hmac(master, "llm-canary/feedback-token/v1"));
    byte[] previousPseudonym = null;
    if (previousSecret != null && !previousSecret.isBlank()) {
      byte[] previous = bytes(previousSecret, "the previous proxy secret");
      feedback.add(hmac(previous, "llm-canary/feedback-token/v1"));
      previousPseudonym = hmac(previous, "llm-canary/user-pseudonym/v1");
    }
    return new ProxyKeys(List.copyOf(feedback), hmac(master, "llm-canary/user-pseudonym/v1"), previousPseudonym);
  }

  private static byte[] bytes(String secret, String what) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(what + " must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
