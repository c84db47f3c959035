package io.llmcanary.proxy;

import io.llmcanary.core.proxy.Refusal;
import io.llmcanary.core.proxy.RequestTrace;

/** The HTTP status of each way the service refuses a request: the one place the proxy's statuses are chosen. */
final class HttpStatuses {

  static final int OK = 200;

  private HttpStatuses() {}

  static int of(Refusal r) {
    return switch (r) {
      case INVALID_REQUEST -> 400;
      case UNAUTHENTICATED -> 401;
      case NOT_PERMITTED -> 403;
      case NO_ROUTE -> 404;
      case WRONG_METHOD -> 405;
      case ALREADY_RECORDED -> 409;
      case OVER_CAP -> 429;
      case INTERNAL -> 500;
      // the model behind the proxy failed: a bad gateway, not the proxy's own failure
      case MODEL_ERROR, MODEL_THROTTLED -> 502;
      case NO_CONFIG, STORE_UNAVAILABLE -> 503;
      case MODEL_TIMEOUT -> 504;
    };
  }

  /** What the request was answered with. */
  static int of(RequestTrace t) {
    return t.refusal() == null ? OK : of(t.refusal());
  }
}
