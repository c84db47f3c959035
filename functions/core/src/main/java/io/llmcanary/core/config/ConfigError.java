package io.llmcanary.core.config;

/**
 * One reason a rollout config is refused.
 *
 * @param field   JSON path of the offending field, e.g. {@code versions.canary.maxTokens}
 * @param rule    the rule it breaks, a short stable identifier such as {@code range} or {@code required}
 * @param message what is wrong and what to do, for a person
 */
public record ConfigError(String field, String rule, String message) {

  @Override
  public String toString() {
    return field + ": " + message + " [" + rule + "]";
  }
}
