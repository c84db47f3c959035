package io.llmcanary.core.proxy;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;

/** Where one request goes. */
public sealed interface Route {

  /**
   * Serve with this version.
   *
   * @param config the rollout config routed by; null on {@link RouteReason#NO_CONFIG}
   */
  record Serve(Variant variant, VersionSpec spec, String application, String rolloutId, RolloutConfig config,
      RouteReason reason) implements Route {}

  /** Nothing to serve with: no config and no fallback stable version (503). */
  record Unavailable(String message) implements Route {}
}
