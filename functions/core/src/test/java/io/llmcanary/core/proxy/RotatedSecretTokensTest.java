package io.llmcanary.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Variant;
import io.llmcanary.core.feedback.FeedbackToken;
import io.llmcanary.core.feedback.FeedbackTokens;
import io.llmcanary.core.feedback.TokenCheck;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A token issued just before the secret rotates is bound to the user's pseudonym under the old secret: after the
 * rotation it still verifies for that user (the previous key's pseudonym is a candidate), and still not for another.
 */
class RotatedSecretTokensTest {

  static final String OLD = "old-secret-old-secret-old-secret-0001";
  static final String NEW = "new-secret-new-secret-new-secret-0002";
  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  static FeedbackTokens tokens(ProxyKeys k) {
    return new FeedbackTokens(k.feedbackKeys(), Duration.ofDays(7), Duration.ofMinutes(5));
  }

  @Test
  void aTokenFromBeforeTheRotationVerifiesForItsUserAndOnlyForItsUser() {
    ProxyKeys before = ProxyKeys.derive(OLD, null);
    String aliceThen = new UserPseudonymizer(before.pseudonymKey()).pseudonym("alice");
    String token = tokens(before).sign(new FeedbackToken("req-1", "app", "r1", Variant.CANARY,
        NOW.getEpochSecond(), aliceThen));

    ProxyKeys after = ProxyKeys.derive(NEW, OLD);
    UserPseudonymizer now = new UserPseudonymizer(after.pseudonymKey(), after.previousPseudonymKey());
    assertThat(now.pseudonym("alice")).isNotEqualTo(aliceThen); // the logs' pseudonyms move with the secret

    assertThat(tokens(after).verify(token, "app", "r1", now.candidates("alice"), NOW))
        .isInstanceOf(TokenCheck.Valid.class);
    assertThat(tokens(after).verify(token, "app", "r1", now.candidates("mallory"), NOW))
        .isInstanceOfSatisfying(TokenCheck.Refused.class,
            r -> assertThat(r.reason()).isEqualTo(TokenCheck.Reason.OTHER_USER));
    // two rotations later the old secret is gone: its tokens no longer verify at all
    ProxyKeys later = ProxyKeys.derive("third-secret-third-secret-third-0003", NEW);
    UserPseudonymizer l = new UserPseudonymizer(later.pseudonymKey(), later.previousPseudonymKey());
    assertThat(tokens(later).verify(token, "app", "r1", l.candidates("alice"), NOW))
        .isInstanceOfSatisfying(TokenCheck.Refused.class,
            r -> assertThat(r.reason()).isEqualTo(TokenCheck.Reason.BAD_SIGNATURE));
  }
}
