package io.llmcanary.core.ports;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A message for a person: rollback, approval needed, promoted. */
public record Alert(Kind kind, String application, String rolloutId, String subject, String body) {

  public enum Kind {
    ROLLBACK, APPROVAL_NEEDED, PROMOTED, REJECTED,
    /** The promotion workflow stopped on an error: the canary stays where it is; a person must look. */
    WORKFLOW_FAILED,
    /** The reconciler found more users on a canary than the rollout state allows, and took them off. */
    DRIFT_CORRECTED
  }

  /**
   * The alert's identity: the same for every delivery of the same message (a retry after a failed or unacknowledged
   * publish carries a body with fresher progress lines, but the same kind, rollout and subject), so a pager or a
   * mail filter can drop a repeat. Sent as the {@code alert-id} message attribute and printed in the body.
   */
  public String id() {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((kind + "\n" + application + "\n" + rolloutId + "\n"
          + subject).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
