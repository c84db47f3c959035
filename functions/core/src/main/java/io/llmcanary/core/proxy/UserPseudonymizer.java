package io.llmcanary.core.proxy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudonymises user ids for logs with a keyed hash (HMAC-SHA256, 64 bits shown): the same user gets the same
 * pseudonym, so one user's requests can be followed, but without the key a pseudonym cannot be reversed by hashing
 * candidate ids, as a plain hash could (docs/architecture.md#metrics-and-their-cloudwatch-query).
 */
public final class UserPseudonymizer {

  private final ThreadLocal<Mac> mac;
  private final UserPseudonymizer previous;

  public UserPseudonymizer(byte[] key) {
    this(key, null);
  }

  /** With the previous secret's key during a rotation: tokens issued before it carry the pseudonym under that one. */
  public UserPseudonymizer(byte[] key, byte[] previousKey) {
    this.previous = previousKey == null ? null : new UserPseudonymizer(previousKey, null);
    SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.mac = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(spec);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
      }
    });
  }

  /** The user's pseudonyms a feedback token may be bound to: under the current key, then the previous one. */
  public java.util.List<String> candidates(String userId) {
    return previous == null ? java.util.List.of(pseudonym(userId))
        : java.util.List.of(pseudonym(userId), previous.pseudonym(userId));
  }

  /** {@code u_} and 16 hex digits. */
  public String pseudonym(String userId) {
    byte[] h = mac.get().doFinal(userId.getBytes(StandardCharsets.UTF_8));
    return "u_" + HexFormat.of().formatHex(h, 0, 8);
  }
}
