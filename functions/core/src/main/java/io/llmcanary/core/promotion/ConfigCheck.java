package io.llmcanary.core.promotion;

import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.RolloutConfigValidator;
import java.util.List;

/**
 * Checks a candidate rollout config before a rollout starts with it. Core knows the cross-field rules
 * ({@link RolloutConfigValidator}); the adapters pass a check that also runs the JSON Schema AppConfig validates
 * with, on the document as the operator wrote it, so a misspelt field is named rather than dropped.
 */
@FunctionalInterface
public interface ConfigCheck {

  ConfigCheck RULES_ONLY = RolloutConfigValidator::validate;

  List<ConfigError> check(RolloutConfig candidate);
}
