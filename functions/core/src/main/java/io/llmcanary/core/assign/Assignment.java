package io.llmcanary.core.assign;

import io.llmcanary.core.config.Variant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Sticky, salted, monotonic assignment of users to stable or canary (docs/architecture.md#assignment).
 *
 * <p>{@code bucket = uint64_be(sha256(utf8(salt + ":" + userId))[0..8]) mod 10000}; a user is on canary iff
 * {@code bucket < canaryBasisPoints}. The bucket does not depend on the percent, so raising the percent only
 * adds users to canary (monotonic), and the same user always lands in the same bucket (sticky). SHA-256 is
 * in every language's standard library, so the committed test vectors can be checked anywhere; the modulo
 * bias of 2^64 mod 10000 is below 1e-15.
 */
public final class Assignment {

  public static final int BUCKETS = 10_000;

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });

  private Assignment() {}

  /** The user's bucket in [0, 10000) for this salt. */
  public static int bucket(String salt, String userId) {
    MessageDigest md = SHA256.get();
    md.reset();
    md.update(salt.getBytes(StandardCharsets.UTF_8));
    md.update((byte) ':');
    byte[] h = md.digest(userId.getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xFFL);
    }
    return (int) Long.remainderUnsigned(v, BUCKETS);
  }

  /** The version a user gets at a canary share given in basis points (0..10000). */
  public static Variant assign(String salt, String userId, int canaryBasisPoints) {
    if (canaryBasisPoints <= 0) {
      return Variant.STABLE;
    }
    return bucket(salt, userId) < canaryBasisPoints ? Variant.CANARY : Variant.STABLE;
  }
}
