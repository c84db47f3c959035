package io.llmcanary.core.promotion;

/**
 * The one piece of JSON core writes: the example input of the ApprovePromotion state machine that the "approval
 * needed" and rollback messages print for a person to paste into the Step Functions console. Text for a person,
 * not a wire format: task outputs and API bodies are written by the adapters.
 */
final class JsonText {

  private JsonText() {}

  /** A JSON string literal (RFC 8259 escaping); null as {@code null}. */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
