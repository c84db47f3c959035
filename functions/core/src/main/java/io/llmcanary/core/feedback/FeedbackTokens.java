package io.llmcanary.core.feedback;

import io.llmcanary.core.config.Variant;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies feedback tokens: {@code ft2.<base64url(payload)>.<base64url(HMAC-SHA256)>}, the payload being
 * {@code requestId|rolloutTag|versionBit|issuedAtEpochSecond|userKey}. The MAC covers the {@code ft2.} prefix and
 * the encoded payload, so neither the format version nor any field can be changed without the key.
 *
 * <p>The payload is readable by whoever holds the token, so it tells nothing a client could use to pick its
 * bucket or its version: the application and rollout id appear only as a keyed tag (the rollout id is the default
 * assignment salt), and the version bit is XORed with a bit of a keyed hash of the request id, which looks random
 * to the client. The serving version stays
 * hidden from end users ({@code CANARY_EXPOSE_VERSION}); flipping the bit breaks the MAC like any other change.
 * {@code userKey} binds the token to the user it was issued to (the keyed pseudonym), so a token handed to or
 * stolen by someone else is refused.
 *
 * <p>Checks run in this order: shape (400), signature (403, forged or altered), rollout binding (403: a token from
 * an earlier rollout must not feed quality into this one), user binding (403), age (403). Signing uses the first
 * key; verification accepts any key, so the secret can be rotated without refusing the tokens handed out just
 * before. Tokens of the format before user binding ({@code ft1.}) are refused as malformed. Thread-safe: one
 * {@link Mac} per key per thread.
 */
public final class FeedbackTokens {

  public static final String PREFIX = "ft2.";
  private static final String OLD_PREFIX = "ft1.";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  /** Longer than any token we issue; refuses junk before decoding it. */
  public static final int MAX_TOKEN_CHARS = 1024;

  private final List<ThreadLocal<Mac>> macs;
  /** Per key, the last {application, rolloutId, tag}: the tag is the same for every answer of a rollout. */
  private final java.util.concurrent.atomic.AtomicReferenceArray<String[]> tags;
  private final Duration ttl;
  private final Duration clockSkew;

  /**
   * @param keys      HMAC keys, the first signs, all verify; each at least 32 bytes
   * @param ttl       how long a token may be used after {@code /chat} answered
   * @param clockSkew how far in the future an issue time may lie (clocks of two containers differ)
   */
  public FeedbackTokens(List<byte[]> keys, Duration ttl, Duration clockSkew) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one feedback signing key is required");
    }
    List<ThreadLocal<Mac>> list = new ArrayList<>();
    for (byte[] key : keys) {
      if (key.length < 32) {
        throw new IllegalArgumentException("a feedback signing key must be at least 32 bytes");
      }
      SecretKeySpec spec = new SecretKeySpec(key.clone(), ALGORITHM);
      mac(spec); // fail at construction, not on the first request
      list.add(ThreadLocal.withInitial(() -> mac(spec)));
    }
    this.macs = List.copyOf(list);
    this.tags = new java.util.concurrent.atomic.AtomicReferenceArray<>(list.size());
    this.ttl = ttl;
    this.clockSkew = clockSkew;
  }

  public Duration ttl() {
    return ttl;
  }

  public String sign(FeedbackToken t) {
    Mac mac = macs.get(0).get();
    String rid = field(t.requestId(), "requestId");
    int bit = (t.version() == Variant.CANARY ? 1 : 0) ^ mask(mac, rid);
    String payload = String.join("|", rid, rolloutTag(0, mac, field(t.application(), "application"),
        field(t.rolloutId(), "rolloutId")), Integer.toString(bit), Long.toString(t.issuedAtEpochSecond()), field(t.userKey(), "userKey"));
    String signed = PREFIX + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    byte[] tag = mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + "." + B64.encodeToString(tag);
  }

  /**
   * @param userKey the pseudonym of the user presenting the token
   */
  public TokenCheck verify(String token, String application, String rolloutId, String userKey, Instant now) {
    return verify(token, application, rolloutId, userKey == null ? List.of() : List.of(userKey), now);
  }

  /**
   * @param userKeys the pseudonyms of the user presenting the token (under the current key, and the previous one
   *                 during a rotation): the token must be bound to one of them
   */
  public TokenCheck verify(String token, String application, String rolloutId, List<String> userKeys, Instant now) {
    if (token != null && token.startsWith(OLD_PREFIX)) {
      return new TokenCheck.Refused(TokenCheck.Reason.MALFORMED,
          "feedbackToken is of a format no longer accepted (not bound to a user); rate a newer answer");
    }
    if (token == null || token.length() > MAX_TOKEN_CHARS || !token.startsWith(PREFIX)) {
      return malformed();
    }
    int dot = token.lastIndexOf('.');
    if (dot <= PREFIX.length()) {
      return malformed();
    }
    String signed = token.substring(0, dot);
    byte[] given;
    byte[] payloadBytes;
    try {
      given = B64D.decode(token.substring(dot + 1));
      payloadBytes = B64D.decode(signed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return malformed();
    }
    byte[] signedBytes = signed.getBytes(StandardCharsets.US_ASCII);
    Mac signer = null;
    int signerKey = -1;
    for (int k = 0; k < macs.size(); k++) {
      Mac mac = macs.get(k).get();
      // Constant-time comparison: no timing oracle for forging a MAC byte by byte.
      if (MessageDigest.isEqual(mac.doFinal(signedBytes), given)) {
        signer = mac;
        signerKey = k;
        break;
      }
    }
    if (signer == null) {
      return new TokenCheck.Refused(TokenCheck.Reason.BAD_SIGNATURE,
          "the feedback token's signature does not match: it was altered or not issued by this service");
    }
    String[] f = new String(payloadBytes, StandardCharsets.UTF_8).split("\\|", -1);
    if (f.length != 5 || !(f[2].equals("0") || f[2].equals("1")) || f[0].isEmpty() || f[4].isEmpty()) {
      return malformed();
    }
    long issued;
    try {
      issued = Long.parseLong(f[3]);
    } catch (NumberFormatException e) {
      return malformed();
    }
    int bit = Integer.parseInt(f[2]) ^ mask(signer, f[0]);
    if (!f[1].equals(rolloutTag(signerKey, signer, application, rolloutId))) {
      return new TokenCheck.Refused(TokenCheck.Reason.WRONG_ROLLOUT,
          "the feedback token belongs to another rollout than the one running now; feedback is only taken for the current rollout");
    }
    FeedbackToken t = new FeedbackToken(f[0], application, rolloutId, bit == 1 ? Variant.CANARY : Variant.STABLE,
        issued, f[4]);
    if (userKeys.stream().noneMatch(k -> k != null && MessageDigest.isEqual(t.userKey().getBytes(StandardCharsets.UTF_8),
        k.getBytes(StandardCharsets.UTF_8)))) {
      return new TokenCheck.Refused(TokenCheck.Reason.OTHER_USER,
          "the feedback token was issued to another user; only the user who got the answer can rate it");
    }
    long nowSec = now.getEpochSecond();
    if (issued > nowSec + clockSkew.toSeconds()) {
      return new TokenCheck.Refused(TokenCheck.Reason.EXPIRED, "the feedback token is not valid yet");
    }
    if (nowSec - issued > ttl.toSeconds()) {
      return new TokenCheck.Refused(TokenCheck.Reason.EXPIRED,
          "the feedback token has expired: feedback is taken for " + ttl.toHours() + " h after the answer");
    }
    return new TokenCheck.Valid(t);
  }

  /** {@link #rolloutTag(Mac, String, String)} of key {@code key}, computed once per rollout rather than per answer. */
  private String rolloutTag(int key, Mac mac, String application, String rolloutId) {
    String[] last = tags.get(key);
    if (last != null && last[0].equals(application) && last[1].equals(rolloutId)) {
      return last[2];
    }
    String tag = rolloutTag(mac, application, rolloutId);
    tags.set(key, new String[] {application, rolloutId, tag});
    return tag;
  }

  /** The application and rollout as 16 characters of a keyed hash: comparable by us, opaque to the client. */
  private static String rolloutTag(Mac mac, String application, String rolloutId) {
    byte[] h = mac.doFinal(("llm-canary/rollout-tag|" + application + "|" + rolloutId).getBytes(StandardCharsets.UTF_8));
    return B64.encodeToString(h).substring(0, 16);
  }

  /** The bit that hides the version: a keyed hash of the request id, so the client cannot tell it from noise. */
  private static int mask(Mac mac, String requestId) {
    return mac.doFinal(("llm-canary/version-mask|" + requestId).getBytes(StandardCharsets.UTF_8))[0] & 1;
  }

  private static TokenCheck malformed() {
    return new TokenCheck.Refused(TokenCheck.Reason.MALFORMED, "feedbackToken is not a feedback token issued by /chat");
  }

  private static String field(String value, String name) {
    if (value == null || value.isEmpty() || value.indexOf('|') >= 0) {
      throw new IllegalArgumentException(name + " must be non-empty and must not contain '|'");
    }
    return value;
  }

  private static Mac mac(SecretKeySpec spec) {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(spec);
      return m;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
