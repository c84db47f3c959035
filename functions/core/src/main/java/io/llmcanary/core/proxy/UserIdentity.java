package io.llmcanary.core.proxy;

import java.util.Locale;

/**
 * Where the user a request is assigned by (and a feedback token is bound to) comes from: {@code CANARY_USER_IDENTITY}
 * (docs/architecture.md#security-and-trust-boundaries). With {@code jwt:sub} or {@code iam} it is the authenticated identity from API Gateway's request
 * context, and a {@code userId} in the body is ignored, not an error: a client written for body mode keeps working,
 * but cannot choose its bucket or cycle ids. With {@code body} it is the body's {@code userId}, for a trusted backend
 * that calls the API on behalf of its own users.
 */
public enum UserIdentity {

  JWT_SUB("jwt:sub"),
  IAM("iam"),
  BODY("body");

  private final String wireName;

  UserIdentity(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The mode {@code CANARY_USER_IDENTITY} names; throws with the accepted values otherwise. */
  public static UserIdentity parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (UserIdentity m : values()) {
      if (m.wireName.equals(v)) {
        return m;
      }
    }
    throw new IllegalArgumentException("CANARY_USER_IDENTITY must be jwt:sub, iam or body, got '" + value + "'");
  }

  /**
   * The user of this request, or the error to answer: 401 when the mode wants an authenticated identity the
   * request does not carry, 400 when body mode finds no {@code userId}.
   *
   * @param bodyUserId the validated {@code userId} of the body, or null when there is none
   * @param route      {@code chat} or {@code feedback}, for the message
   */
  public Validated<String> user(Caller caller, String bodyUserId, String route) {
    Caller c = caller == null ? Caller.NONE : caller;
    return switch (this) {
      case JWT_SUB -> present(c.jwtSub())
          ? new Validated.Ok<>(c.jwtSub())
          : unauthenticated("a JWT with a 'sub' claim (requestContext.authorizer.jwt.claims.sub)");
      case IAM -> present(c.iamUserArn())
          ? new Validated.Ok<>(c.iamUserArn())
          : unauthenticated("an IAM (SigV4) caller (requestContext.authorizer.iam.userArn)");
      case BODY -> bodyUserId != null
          ? new Validated.Ok<>(bodyUserId)
          : Validated.invalid("missing_field", "userId", route.equals("feedback")
              ? "userId is required: the user the answer was given to (feedback tokens are bound to it)"
              : "userId is required");
    };
  }

  private Validated<String> unauthenticated(String what) {
    return new Validated.Invalid<>(new ApiError(Refusal.UNAUTHENTICATED, "no_authenticated_user",
        "CANARY_USER_IDENTITY is " + wireName + " but the request carries no " + what
            + "; call through the API with its authorizer, or set CANARY_USER_IDENTITY=body", null));
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
