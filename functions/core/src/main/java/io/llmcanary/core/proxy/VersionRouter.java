package io.llmcanary.core.proxy;

import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Picks the version for a user (docs/architecture.md#the-request-path). Bad or missing config never sends a user to canary:
 * <ul>
 *   <li>a good config: the sticky salted assignment of {@link Assignment};</li>
 *   <li>no good config ever read: the fallback stable version of the function's settings, else unavailable (503);</li>
 *   <li>a config last confirmed longer ago than {@code maxConfigAge}: its stable version only. The source keeps
 *       the last good config through failures, but a rollback published meanwhile cannot reach this proxy, so
 *       after a while the canary is no longer trusted. Stable stays what it was, so nothing untested is served.</li>
 * </ul>
 */
public final class VersionRouter {

  /** The rollout id recorded for requests served without any config. */
  public static final String NO_ROLLOUT = "none";

  private final Duration maxConfigAge;
  private final VersionSpec fallbackStable;
  private final String defaultApplication;

  /**
   * @param maxConfigAge       how old a confirmed config may be before the canary is switched off; null: never
   * @param fallbackStable     the version served before any config was read; null: answer 503 instead
   * @param defaultApplication the application name recorded when there is no config
   */
  public VersionRouter(Duration maxConfigAge, VersionSpec fallbackStable, String defaultApplication) {
    this.maxConfigAge = maxConfigAge;
    this.fallbackStable = fallbackStable;
    this.defaultApplication = defaultApplication == null || defaultApplication.isBlank()
        ? RolloutConfig.DEFAULT_APPLICATION : defaultApplication;
  }

  public Route route(ConfigSnapshot snapshot, String userId, Instant now) {
    RolloutConfig config = snapshot.config();
    if (config == null) {
      return fallbackStable == null
          ? new Route.Unavailable("no rollout config has been read yet and no fallback stable version is set")
          : new Route.Serve(Variant.STABLE, fallbackStable, defaultApplication, NO_ROLLOUT, null, RouteReason.NO_CONFIG);
    }
    Optional<VersionSpec> stable = config.version(Variant.STABLE);
    if (stable.isEmpty()) {
      return new Route.Unavailable("the rollout config has no stable version");
    }
    boolean stale = maxConfigAge != null && snapshot.confirmedAt() != null
        && Duration.between(snapshot.confirmedAt(), now).compareTo(maxConfigAge) > 0;
    if (stale) {
      return serve(config, Variant.STABLE, stable.get(), RouteReason.STALE_CONFIG);
    }
    Variant variant = Assignment.assign(config.effectiveSalt(), userId, config.canaryBasisPoints());
    if (variant == Variant.CANARY) {
      Optional<VersionSpec> canary = config.version(Variant.CANARY);
      if (canary.isPresent()) {
        return serve(config, Variant.CANARY, canary.get(), RouteReason.ASSIGNED);
      }
    }
    return serve(config, Variant.STABLE, stable.get(), RouteReason.ASSIGNED);
  }

  private static Route.Serve serve(RolloutConfig c, Variant v, VersionSpec spec, RouteReason reason) {
    return new Route.Serve(v, spec, c.application(), c.rolloutId(), c, reason);
  }
}
