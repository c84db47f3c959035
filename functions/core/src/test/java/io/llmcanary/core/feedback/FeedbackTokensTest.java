package io.llmcanary.core.feedback;

import io.llmcanary.core.proxy.Refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.config.Variant;
import io.llmcanary.core.proxy.ProxyKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeedbackTokensTest {

  static final String SECRET = "test-secret-test-secret-test-secret-0001";
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  static final String USER = "u_0123456789abcdef";
  final FeedbackTokens tokens = tokens(SECRET, null);

  static FeedbackTokens tokens(String secret, String previous) {
    return new FeedbackTokens(ProxyKeys.derive(secret, previous).feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
  }

  static FeedbackToken token(Variant v) {
    return new FeedbackToken("req-1", "chat-app", "rollout-7", v, T0.getEpochSecond(), USER);
  }

  private TokenCheck verify(String t, Instant now) {
    return tokens.verify(t, "chat-app", "rollout-7", USER, now);
  }

  @Test
  void aSignedTokenVerifiesAndCarriesRequestRolloutVersionAndTime() {
    String t = tokens.sign(token(Variant.CANARY));
    assertThat(verify(t, T0.plusSeconds(60))).isEqualTo(new TokenCheck.Valid(token(Variant.CANARY)));
  }

  @Test
  void aTokenWithTheVersionBitFlippedInItsPayloadIsRefusedAsForged() {
    String t = tokens.sign(token(Variant.CANARY));
    String[] parts = t.split("\\.");
    String[] f = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).split("\\|");
    f[2] = f[2].equals("0") ? "1" : "0";
    String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(String.join("|", f).getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertRefused(verify(altered, T0), TokenCheck.Reason.BAD_SIGNATURE, Refusal.NOT_PERMITTED);
  }

  @Test
  void theTokenPayloadDoesNotTellTheVersionInClear() {
    // Over many answers the version bit a client can read is canary and stable alike for both versions.
    int[] ones = new int[2];
    for (int i = 0; i < 400; i++) {
      for (Variant v : Variant.values()) {
        String t = tokens.sign(new FeedbackToken("req-" + i, "chat-app", "rollout-7", v, T0.getEpochSecond(), USER));
        String payload = new String(Base64.getUrlDecoder().decode(t.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(payload).doesNotContain("canary").doesNotContain("stable").doesNotContain("rollout-7");
        ones[v.ordinal()] += payload.split("\\|")[2].equals("1") ? 1 : 0;
      }
    }
    assertThat(ones[0]).isBetween(140, 260);
    assertThat(ones[1]).isBetween(140, 260);
  }

  @Test
  void aTokenPresentedByAnotherUserIsRefused() {
    String t = tokens.sign(token(Variant.CANARY));
    assertRefused(tokens.verify(t, "chat-app", "rollout-7", "u_fedcba9876543210", T0), TokenCheck.Reason.OTHER_USER,
        Refusal.NOT_PERMITTED);
    assertRefused(tokens.verify(t, "chat-app", "rollout-7", (String) null, T0), TokenCheck.Reason.OTHER_USER, Refusal.NOT_PERMITTED);
  }

  @Test
  void aTokenOfTheFormatBeforeUserBindingIsRefusedAsMalformedWithAMessageSayingSo() {
    assertThat(verify("ft1.cmVxLTF8Y2hhdC1hcHB8cm9sbG91dC03fGN8MQ.AAAA", T0))
        .isInstanceOfSatisfying(TokenCheck.Refused.class, r -> {
          assertThat(r.reason()).isEqualTo(TokenCheck.Reason.MALFORMED);
          assertThat(r.message()).contains("no longer accepted");
        });
  }

  @Test
  void aTokenWithAnAlteredSignatureIsRefusedAsForged() {
    String t = tokens.sign(token(Variant.STABLE));
    char last = t.charAt(t.length() - 2);
    String altered = t.substring(0, t.length() - 2) + (last == 'A' ? 'B' : 'A') + t.charAt(t.length() - 1);
    assertRefused(verify(altered, T0), TokenCheck.Reason.BAD_SIGNATURE, Refusal.NOT_PERMITTED);
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRefusedAsForged() {
    String t = tokens("another-secret-another-secret-another-1", null).sign(token(Variant.CANARY));
    assertRefused(verify(t, T0), TokenCheck.Reason.BAD_SIGNATURE, Refusal.NOT_PERMITTED);
  }

  @Test
  void aTokenOfAnotherRolloutIsRefused() {
    String t = tokens.sign(new FeedbackToken("req-1", "chat-app", "rollout-6", Variant.CANARY, T0.getEpochSecond(), USER));
    assertRefused(verify(t, T0), TokenCheck.Reason.WRONG_ROLLOUT, Refusal.NOT_PERMITTED);
  }

  @Test
  void aTokenOfAnotherApplicationIsRefused() {
    String t = tokens.sign(new FeedbackToken("req-1", "other-app", "rollout-7", Variant.CANARY, T0.getEpochSecond(), USER));
    assertRefused(verify(t, T0), TokenCheck.Reason.WRONG_ROLLOUT, Refusal.NOT_PERMITTED);
  }

  @Test
  void aTokenIsAcceptedUntilItsLifetimeEndsAndRefusedAsExpiredAfter() {
    String t = tokens.sign(token(Variant.CANARY));
    assertThat(verify(t, T0.plus(Duration.ofDays(7)))).isInstanceOf(TokenCheck.Valid.class);
    assertRefused(verify(t, T0.plus(Duration.ofDays(7)).plusSeconds(1)), TokenCheck.Reason.EXPIRED, Refusal.NOT_PERMITTED);
  }

  @Test
  void aTokenIssuedInTheFutureBeyondTheClockSkewIsRefused() {
    String t = tokens.sign(token(Variant.CANARY));
    assertThat(verify(t, T0.minus(Duration.ofMinutes(4)))).isInstanceOf(TokenCheck.Valid.class);
    assertRefused(verify(t, T0.minus(Duration.ofMinutes(6))), TokenCheck.Reason.EXPIRED, Refusal.NOT_PERMITTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "hello", "ft2.", "ft2.abc", "ft2.!!!.???", "ft3.YQ.YQ", "ft2..sig", "ft1.YQ.YQ"})
  void somethingThatIsNotATokenIsRefusedAsMalformed(String t) {
    assertRefused(verify(t, T0), TokenCheck.Reason.MALFORMED, Refusal.INVALID_REQUEST);
  }

  @Test
  void anOverlongTokenIsRefusedAsMalformedBeforeAnyDecoding() {
    assertRefused(verify("ft2." + "a".repeat(FeedbackTokens.MAX_TOKEN_CHARS), T0), TokenCheck.Reason.MALFORMED, Refusal.INVALID_REQUEST);
  }

  @Test
  void afterARotationTokensOfThePreviousSecretStillVerifyAndNewOnesUseTheNewSecret() {
    String old = tokens.sign(token(Variant.CANARY));
    FeedbackTokens rotated = tokens("new-secret-new-secret-new-secret-new-01", SECRET);
    assertThat(rotated.verify(old, "chat-app", "rollout-7", USER, T0)).isInstanceOf(TokenCheck.Valid.class);
    String fresh = rotated.sign(token(Variant.STABLE));
    assertRefused(tokens.verify(fresh, "chat-app", "rollout-7", USER, T0), TokenCheck.Reason.BAD_SIGNATURE, Refusal.NOT_PERMITTED);
  }

  @Test
  void aFieldContainingTheSeparatorCannotBeSigned() {
    assertThatThrownBy(() -> tokens.sign(new FeedbackToken("a|b", "app", "r", Variant.STABLE, 1, USER)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysShorterThan32BytesAreRefused() {
    assertThatThrownBy(() -> new FeedbackTokens(List.of(new byte[16]), Duration.ofDays(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProxyKeys.derive("short", null)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(TokenCheck check, TokenCheck.Reason reason, Refusal refusal) {
    assertThat(check).isInstanceOfSatisfying(TokenCheck.Refused.class, r -> {
      assertThat(r.reason()).isEqualTo(reason);
      assertThat(r.reason().refusal()).isEqualTo(refusal);
    });
  }
}
