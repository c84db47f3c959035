package io.llmcanary.core.feedback;

import io.llmcanary.core.proxy.Refusal;

/** The result of verifying a feedback token: valid, or refused with a reason a client can act on. */
public sealed interface TokenCheck {

  record Valid(FeedbackToken token) implements TokenCheck {}

  record Refused(Reason reason, String message) implements TokenCheck {}

  /** Why a token is refused, and the refusal the proxy answers it with. */
  enum Reason {
    /** Not a token of ours at all (wrong shape, bad encoding). */
    MALFORMED(Refusal.INVALID_REQUEST, "invalid_feedback_token"),
    /** Well-formed but the signature does not match: forged or altered. */
    BAD_SIGNATURE(Refusal.NOT_PERMITTED, "forged_feedback_token"),
    /** Signed by us, for another application or rollout than the one running now. */
    WRONG_ROLLOUT(Refusal.NOT_PERMITTED, "feedback_token_wrong_rollout"),
    /** Signed by us, for an answer given to another user than the one presenting it. */
    OTHER_USER(Refusal.NOT_PERMITTED, "feedback_token_other_user"),
    /** Signed by us, but older than the token lifetime (or issued in the future beyond the clock skew). */
    EXPIRED(Refusal.NOT_PERMITTED, "feedback_token_expired");

    private final Refusal refusal;
    private final String code;

    Reason(Refusal refusal, String code) {
      this.refusal = refusal;
      this.code = code;
    }

    public Refusal refusal() {
      return refusal;
    }

    public String code() {
      return code;
    }
  }
}
