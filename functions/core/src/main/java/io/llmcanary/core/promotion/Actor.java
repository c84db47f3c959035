package io.llmcanary.core.promotion;

import java.util.Objects;

/**
 * Who a decision is recorded as (docs/architecture.md#security-and-trust-boundaries), by how the promotion function came to know it. The audit trail keeps
 * {@link #name()}; {@link #of(String)} reads a recorded name back, which the two-person rule needs for the starter.
 * Only the promotion function's front doors make names: the API from the request's signing identity, the
 * ApprovePromotion path from an execution it has verified, and everything else as {@link Claimed}, so a caller who
 * writes an IAM ARN into a payload is recorded as a claim, never as that principal.
 */
public sealed interface Actor {

  /** The audit trail's text for this actor. */
  String name();

  /** Whether the name is an authenticated person or service identity, comparable with another one. */
  default boolean isPrincipal() {
    return this instanceof Principal;
  }

  /** The identity that signed the request: an IAM principal ARN, {@code jwt:<sub>}, {@code authorizer:<id>}. */
  record Principal(String name) implements Actor {
    public Principal {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A running ApprovePromotion execution the function has looked up: the person who started it is in CloudTrail's
   * StartExecution event (Step Functions hands no caller identity to its tasks), not in the execution itself.
   */
  record Execution(String executionArn) implements Actor {
    public static final String PREFIX = "ApprovePromotion execution ";

    @Override
    public String name() {
      return PREFIX + executionArn;
    }
  }

  /** A name nobody vouches for: a direct Lambda invoke's "actor" field, the local CLI's user name. */
  record Claimed(String claimed) implements Actor {
    public static final String PREFIX = "unverified:";

    @Override
    public String name() {
      String c = claimed == null || claimed.isBlank() ? "unknown" : claimed;
      return c.startsWith(PREFIX) ? c : PREFIX + c;
    }
  }

  /** Reads a recorded name back: principals are what the API records (ARNs, jwt:, authorizer:). */
  static Actor of(String recorded) {
    if (recorded == null || recorded.isBlank()) {
      return new Claimed(null);
    }
    if (recorded.startsWith(Execution.PREFIX)) {
      return new Execution(recorded.substring(Execution.PREFIX.length()));
    }
    if (recorded.startsWith("arn:") || recorded.startsWith("jwt:") || recorded.startsWith("authorizer:")) {
      return new Principal(recorded);
    }
    return new Claimed(recorded);
  }
}
