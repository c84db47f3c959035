package io.llmcanary.core.health;

/**
 * What one run looks at: every active rollout (the scheduled run), or one named rollout (on demand).
 *
 * @param application the rollout's application; null means the one of the current config, else {@code default}
 * @param rolloutId   the rollout to check; null means every active rollout
 */
public record HealthCheckRequest(String application, String rolloutId) {

  public static HealthCheckRequest all() {
    return new HealthCheckRequest(null, null);
  }

  public boolean named() {
    return rolloutId != null && !rolloutId.isBlank();
  }
}
