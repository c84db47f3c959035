package io.llmcanary.core.feedback;

/** The result of verifying a feedback token: valid, or refused with a reason a client can act on. */
public sealed interface TokenCheck {

  record Valid(FeedbackToken token) implements TokenCheck {}

  record Refused(Reason reason, String message) implements TokenCheck {}

  /** Why a token is refused, with the HTTP status the proxy answers. */
  enum Reason {
    /** Not a token of ours at all (wrong shape, bad encoding): 400. */
    MALFORMED(400, "invalid_feedback_token"),
    /** Well-formed but the signature does not match: forged or altered. 403. */
    BAD_SIGNATURE(403, "forged_feedback_token"),
    /** Signed by us, for another application or rollout than the one running now. 403. */
    WRONG_ROLLOUT(403, "feedback_token_wrong_rollout"),
    /** Signed by us, for an answer given to another user than the one presenting it. 403. */
    OTHER_USER(403, "feedback_token_other_user"),
    /** Signed by us, but older than the token lifetime (or issued in the future beyond the clock skew). 403. */
    EXPIRED(403, "feedback_token_expired");

    private final int status;
    private final String code;

    Reason(int status, String code) {
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }
}
