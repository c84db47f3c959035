package io.llmcanary.core.ports;

import java.time.Instant;

/**
 * What feedback has been taken, shared by every proxy container: each answer's feedback counts once, and each user
 * gives at most so many feedbacks per rollout per hour. Both are conditional writes on one shared store (DynamoDB in
 * AWS), each entry expiring by itself ({@code expiresAt}) once it can no longer matter.
 *
 * <p>Keys hold no raw user id: {@code userKey} is the keyed pseudonym.
 */
public interface FeedbackLedger {

  /**
   * Counts one feedback of {@code userKey} in the hour {@code hourEpoch} (epoch seconds / 3600), unless that user
   * already gave {@code cap} in that hour.
   *
   * @return true when counted, false when the cap was already reached (nothing counted)
   * @throws Unavailable when the store cannot be asked; the caller refuses the feedback rather than let it through
   *                     uncounted
   */
  boolean countWithinCap(String application, String rolloutId, String userKey, long hourEpoch, int cap,
      Instant expiresAt);

  /**
   * Records the feedback of answer {@code requestId}, unless it was already recorded.
   *
   * @return true the first time, false after (in any container)
   * @throws Unavailable when the store cannot be asked
   */
  boolean firstUse(String application, String rolloutId, String requestId, Instant expiresAt);

  /** The store could not be asked; the message names the store and the cause, never a user or request id. */
  final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
