package io.llmcanary.core.promotion;

import io.llmcanary.core.metrics.EmfEncoder;

/**
 * The one piece of JSON core writes: the example input of the ApprovePromotion state machine that the "approval
 * needed" and rollback messages print for a person to paste into the Step Functions console. Text for a person,
 * not a wire format: task outputs and API bodies are written by the adapters.
 */
final class JsonText {

  private JsonText() {}

  /** A JSON string literal (RFC 8259 escaping); null as {@code null}. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s == null ? 4 : s.length() + 2);
    EmfEncoder.appendJsonString(b, s);
    return b.toString();
  }
}
