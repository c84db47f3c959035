package io.llmcanary.core.promotion;

import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.RolloutConfigValidator;
import io.llmcanary.core.config.VersionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a candidate rollout config before a rollout starts with it. Core knows the cross-field rules
 * ({@link RolloutConfigValidator}); the adapters pass a check that also runs the JSON Schema AppConfig validates
 * with, on the document as the operator wrote it, so a misspelt field is named rather than dropped.
 */
@FunctionalInterface
public interface ConfigCheck {

  ConfigCheck RULES_ONLY = RolloutConfigValidator::validate;

  List<ConfigError> check(RolloutConfig candidate);

  /** This check's errors, then the other's. */
  default ConfigCheck and(ConfigCheck other) {
    if (other == null) {
      return this;
    }
    return c -> {
      List<ConfigError> all = new ArrayList<>(check(c));
      all.addAll(other.check(c));
      return List.copyOf(all);
    };
  }

  /**
   * Refuses a version whose provider the chat proxy of this deployment has not wired (an OpenAI-compatible provider
   * without its base URL and key, say): every call of that version would fail, and a stable on it is a full outage.
   * Caught here, before the config is deployed, with the field named.
   *
   * @param wired the providers the proxy can call; null: no restriction
   */
  static ConfigCheck providersWired(Set<String> wired) {
    if (wired == null) {
      return c -> List.of();
    }
    Set<String> known = new TreeSet<>(wired);
    return c -> {
      List<ConfigError> errors = new ArrayList<>();
      for (Map.Entry<String, VersionSpec> v : c.versions().entrySet()) {
        String provider = v.getValue() == null ? null : v.getValue().provider();
        if (provider != null && !known.contains(provider)) {
          errors.add(new ConfigError("versions." + v.getKey() + ".provider", "wired", "provider '" + provider
              + "' is not wired in this deployment's chat proxy (it can call " + known + "); use one of those, or"
              + " deploy the stack with that provider configured first"));
        }
      }
      return List.copyOf(errors);
    };
  }
}
