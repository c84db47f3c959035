package io.llmcanary.core.proxy;

import io.llmcanary.core.config.Variant;

/**
 * What the proxy logs about one request: ids, where it went, the model call, and why it was refused if it was. It
 * has no field for a user id, a prompt or an answer: the user appears only as a keyed pseudonym.
 *
 * @param route       {@code chat} or {@code feedback}
 * @param user        the pseudonymised user id, else null
 * @param serving     the rollout and version the request went to, null before routing
 * @param call        the model call, null when none was made
 * @param feedbackFor the request id a feedback is about, else null
 * @param refusal     why the request was refused, null when it was answered
 */
public record RequestTrace(String route, String requestId, String user, Serving serving, ModelCall call,
    String feedbackFor, Refusal refusal) {

  /**
   * Where a request went.
   *
   * @param version the version that answered (or failed), or the one a feedback is about; null when unknown
   * @param reason  why that version, null when not routed
   */
  public record Serving(String application, String rolloutId, Variant version, RouteReason reason) {}

  /**
   * One model call behind the answer or the failure.
   *
   * @param latencyMs model call time in ms, NaN when no call finished
   * @param check     the automatic quality check, null when no answer
   * @param fallback  the canary failed and stable answered or was tried
   * @param errorKind the model failure ({@code error}, {@code timeout}, {@code throttled}) or null
   */
  public record ModelCall(String model, double latencyMs, String finishReason, String check, boolean fallback,
      String errorKind) {}

  /** A trace of a request refused before it reached the service (bad input, unknown route). */
  public static RequestTrace rejected(String route, String requestId, Refusal refusal) {
    return new RequestTrace(route, requestId, null, null, null, null, refusal);
  }
}
