package io.llmcanary.core.ports;

/** A message for a person: rollback, approval needed, promoted. */
public record Alert(Kind kind, String application, String rolloutId, String subject, String body) {

  public enum Kind {
    ROLLBACK, APPROVAL_NEEDED, PROMOTED, REJECTED,
    /** The promotion workflow stopped on an error (issue 4): the canary stays where it is; a person must look. */
    WORKFLOW_FAILED
  }
}
