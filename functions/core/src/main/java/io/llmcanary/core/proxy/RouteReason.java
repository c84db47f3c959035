package io.llmcanary.core.proxy;

/** Why a request went to the version it went to. */
public enum RouteReason {
  /** Assigned by the rollout config (sticky salted hash). */
  ASSIGNED,
  /** No good config was ever read: the fallback stable version from the function's settings. */
  NO_CONFIG,
  /** The last good config is older than the proxy trusts (its source failing for long): stable only. */
  STALE_CONFIG;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
