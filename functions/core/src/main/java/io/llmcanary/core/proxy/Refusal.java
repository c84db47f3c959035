package io.llmcanary.core.proxy;

/**
 * Why the proxy does not answer a request the way it was asked, as the service decides it. The chat-proxy module
 * maps each to its HTTP status ({@code HttpStatuses}); nothing here names one.
 */
public enum Refusal {
  /** The request is malformed or misses a field; the error names it. */
  INVALID_REQUEST,
  /** The identity the deployment reads users from is missing. */
  UNAUTHENTICATED,
  /** A feedback token that is not this user's to present: forged, altered, another user's or rollout's, expired. */
  NOT_PERMITTED,
  /** No such route. */
  NO_ROUTE,
  /** The route exists, the method does not. */
  WRONG_METHOD,
  /** The answer was rated already. */
  ALREADY_RECORDED,
  /** The user is over the feedback cap for this hour. */
  OVER_CAP,
  /** The proxy failed; the request id identifies it in the logs. */
  INTERNAL,
  /** The model call failed. */
  MODEL_ERROR,
  /** The model provider throttles. */
  MODEL_THROTTLED,
  /** No rollout config to serve with. */
  NO_CONFIG,
  /** A store the request depends on (the feedback ledger) cannot be reached. */
  STORE_UNAVAILABLE,
  /** No version answered in time. */
  MODEL_TIMEOUT
}
