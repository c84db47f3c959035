package io.llmcanary.core.promotion;

import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.VersionSpec;
import java.util.List;
import java.util.Map;

/**
 * A new rollout: the canary version to try against the current stable.
 *
 * @param application the application (null: the current config's)
 * @param rolloutId   the new rollout's id, also its assignment salt
 * @param canary      the version to roll out
 * @param pricing     prices to add, for a model the current config does not price yet (may be empty)
 * @param stages      the stage plan (null: the current config's)
 * @param actor       who starts it
 * @param reason      why, for the audit trail
 */
public record StartRequest(String application, String rolloutId, VersionSpec canary, Map<String, ModelPrice> pricing,
    List<Double> stages, String actor, String reason) {

  public StartRequest {
    pricing = pricing == null ? Map.of() : Map.copyOf(pricing);
    stages = stages == null ? null : List.copyOf(stages);
  }
}
