package io.llmcanary.core.chat;

/** A model call that failed; {@link Kind} decides the HTTP status and whether a fallback may retry. */
public final class ChatModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** The provider answered with an error (5xx, bad model id, validation): 502. */
    ERROR,
    /** The provider did not answer in time: 504. */
    TIMEOUT,
    /** The provider throttled us (429 / ThrottlingException): 502, retry later. */
    THROTTLED
  }

  private final Kind kind;

  public ChatModelException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public ChatModelException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
