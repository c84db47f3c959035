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
 * Signs and verifies feedback tokens: {@code ft1.<base64url(payload)>.<base64url(HMAC-SHA256)>}, the payload being
 * {@code requestId|application|rolloutId|s or c|issuedAtEpochSecond}. The MAC covers the {@code ft1.} prefix and the
 * encoded payload, so neither the format version nor any field can be changed without the key.
 *
 * <p>Checks run in this order: shape (400), signature (403, forged or altered), rollout binding (403: a token from
 * an earlier rollout must not feed quality into this one), age (403). Signing uses the first key; verification
 * accepts any key, so the secret can be rotated without refusing the tokens handed out just before.
 * Thread-safe: one {@link Mac} per key per thread.
 */
public final class FeedbackTokens {

  public static final String PREFIX = "ft1.";
  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  /** Longer than any token we issue; refuses junk before decoding it. */
  public static final int MAX_TOKEN_CHARS = 1024;

  private final List<ThreadLocal<Mac>> macs;
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
    this.ttl = ttl;
    this.clockSkew = clockSkew;
  }

  public Duration ttl() {
    return ttl;
  }

  public String sign(FeedbackToken t) {
    String payload = String.join("|",
        field(t.requestId(), "requestId"), field(t.application(), "application"), field(t.rolloutId(), "rolloutId"),
        t.version() == Variant.CANARY ? "c" : "s", Long.toString(t.issuedAtEpochSecond()));
    String signed = PREFIX + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    byte[] mac = macs.get(0).get().doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + "." + B64.encodeToString(mac);
  }

  public TokenCheck verify(String token, String application, String rolloutId, Instant now) {
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
    boolean authentic = false;
    for (ThreadLocal<Mac> mac : macs) {
      // Constant-time comparison: no timing oracle for forging a MAC byte by byte.
      if (MessageDigest.isEqual(mac.get().doFinal(signedBytes), given)) {
        authentic = true;
        break;
      }
    }
    if (!authentic) {
      return new TokenCheck.Refused(TokenCheck.Reason.BAD_SIGNATURE,
          "the feedback token's signature does not match: it was altered or not issued by this service");
    }
    String[] f = new String(payloadBytes, StandardCharsets.UTF_8).split("\\|", -1);
    if (f.length != 5 || !(f[3].equals("s") || f[3].equals("c"))) {
      return malformed();
    }
    long issued;
    try {
      issued = Long.parseLong(f[4]);
    } catch (NumberFormatException e) {
      return malformed();
    }
    FeedbackToken t = new FeedbackToken(f[0], f[1], f[2], f[3].equals("c") ? Variant.CANARY : Variant.STABLE, issued);
    if (!t.application().equals(application) || !t.rolloutId().equals(rolloutId)) {
      return new TokenCheck.Refused(TokenCheck.Reason.WRONG_ROLLOUT,
          "the feedback token belongs to another rollout than the one running now; feedback is only taken for the current rollout");
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
