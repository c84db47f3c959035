package io.llmcanary.core.proxy;

import io.llmcanary.core.config.Variant;

/**
 * What the proxy logs about one request: ids, the version, timings and outcomes. It has no field for a user id,
 * a prompt or an answer: the user appears only as a keyed pseudonym.
 *
 * @param route          {@code chat} or {@code feedback}
 * @param user           the pseudonymised user id (chat), else null
 * @param version        the version that answered (or failed), null before routing
 * @param reason         why that version, null when not routed
 * @param model          the model id called, null when none
 * @param latencyMs      model call time in ms, NaN when no call
 * @param check          the automatic quality check, null when no answer
 * @param fallback       the canary failed and stable answered or was tried
 * @param errorKind      the model failure ({@code error}, {@code timeout}, {@code throttled}) or null
 * @param feedbackFor    the request id a feedback is about, else null
 * @param status         the HTTP status answered
 */
public record RequestTrace(
    String route,
    String requestId,
    String user,
    String application,
    String rolloutId,
    Variant version,
    RouteReason reason,
    String model,
    double latencyMs,
    String finishReason,
    String check,
    boolean fallback,
    String errorKind,
    String feedbackFor,
    int status) {

  /** A trace of a request refused before it reached the service (bad input, unknown route). */
  public static RequestTrace rejected(String route, String requestId, int status) {
    return new RequestTrace(route, requestId, null, null, null, null, null, null, Double.NaN, null, null, false,
        null, null, status);
  }
}
