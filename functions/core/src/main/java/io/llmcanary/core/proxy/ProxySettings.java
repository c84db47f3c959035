package io.llmcanary.core.proxy;

import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;

/**
 * The function's own settings (environment variables in Lambda), as opposed to the rollout config.
 *
 * @param modelTimeout       how long a model call may take before the proxy answers 504; below API Gateway's
 *                           30 s integration timeout so the client gets our JSON error, not the gateway's
 * @param maxConfigAge       a config not confirmed for longer than this serves stable only; null: never
 * @param fallbackStable     the version served before any config was read; null: 503 instead
 * @param defaultApplication the application name recorded without config
 * @param feedbackDedupe     how many recent feedback request ids one container remembers
 */
public record ProxySettings(Duration modelTimeout, Duration maxConfigAge, VersionSpec fallbackStable,
    String defaultApplication, int feedbackDedupe) {

  public static ProxySettings defaults() {
    return new ProxySettings(Duration.ofSeconds(25), Duration.ofMinutes(15), null, null, 100_000);
  }

  public ProxySettings withFallbackStable(VersionSpec spec) {
    return new ProxySettings(modelTimeout, maxConfigAge, spec, defaultApplication, feedbackDedupe);
  }

  public ProxySettings withModelTimeout(Duration timeout) {
    return new ProxySettings(timeout, maxConfigAge, fallbackStable, defaultApplication, feedbackDedupe);
  }
}
