package io.llmcanary.core.promotion;

import io.llmcanary.core.ports.Alert;

/**
 * An alert kept in {@code RolloutState.pendingAlert} when it could not be delivered (DESIGN.md §8: the
 * transition still completes; the alert is retried on the next run). Text form: kind, subject and body on
 * the first two lines and the rest.
 */
public final class PendingAlert {

  private PendingAlert() {}

  public static String encode(Alert a) {
    return a.kind().name() + "\n" + a.subject().replace('\n', ' ') + "\n" + a.body();
  }

  /** The alert back, or null when the text is not one {@link #encode} wrote. */
  public static Alert decode(String text, String application, String rolloutId) {
    if (text == null) {
      return null;
    }
    String[] parts = text.split("\n", 3);
    if (parts.length < 3) {
      return null;
    }
    try {
      return new Alert(Alert.Kind.valueOf(parts[0]), application, rolloutId, parts[1], parts[2]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
