package io.llmcanary.core.proxy;

/**
 * Who API Gateway authenticated for this request, from its request context: the JWT's {@code sub} claim (JWT
 * authorizer) or the IAM caller's ARN (SigV4). Either may be null; {@link #NONE} when the carrier knows neither
 * (the local server, a direct invoke).
 */
public record Caller(String jwtSub, String iamUserArn) {

  public static final Caller NONE = new Caller(null, null);

  public static Caller jwt(String sub) {
    return new Caller(sub, null);
  }

  public static Caller iam(String userArn) {
    return new Caller(null, userArn);
  }
}
