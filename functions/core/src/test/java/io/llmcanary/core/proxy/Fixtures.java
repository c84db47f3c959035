package io.llmcanary.core.proxy;

import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.VersionSpec;
import java.util.List;
import java.util.Map;

final class Fixtures {

  private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The answers' JSON check for core's tests (the proxy's is the codec module's JsonAnswers). */
  static final io.llmcanary.core.quality.JsonValidity JSON = text -> {
    try {
      return text != null && !text.isBlank() && STRICT.readTree(text) != null;
    } catch (Exception e) {
      return false;
    }
  };

  static final VersionSpec STABLE = new VersionSpec("model-s", "fake", "You are helpful.", List.of(), 0.7, 256);
  static final VersionSpec CANARY = new VersionSpec("model-c", "fake", "You are concise.", List.of(), 0.7, 256);

  static RolloutConfig config(double canaryPercent, boolean fallbackToStable) {
    return new RolloutConfig(1, "chat-app", "rollout-7", canaryPercent, null,
        Map.of("stable", STABLE, "canary", CANARY),
        Map.of("model-s", new ModelPrice(3.0, 15.0), "model-c", new ModelPrice(1.0, 5.0)),
        null, null, fallbackToStable);
  }

  private Fixtures() {}
}
