package io.llmcanary.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Picks the endpoint integration tests use, in this order: {@code AWS_ENDPOINT_URL}; else a moto server
 * started here; else LocalStack when a Docker engine runs; else none, with the reasons. The emulator can
 * also be forced with {@code -Dcanary.aws.emulator=moto|localstack} or env {@code CANARY_AWS_EMULATOR}
 * (default {@code auto}).
 */
final class EndpointResolver {

  static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";
  static final String EMULATOR_PROPERTY = "canary.aws.emulator";
  static final String EMULATOR_ENV = "CANARY_AWS_EMULATOR";

  private final Map<String, String> env;
  private final Map<String, String> properties;
  private final Supplier<List<Emulator>> emulators;

  EndpointResolver(Map<String, String> env, Map<String, String> properties, Supplier<List<Emulator>> emulators) {
    this.env = env;
    this.properties = properties;
    this.emulators = emulators;
  }

  Resolution resolve() {
    String fromEnv = env.get(ENDPOINT_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      URI uri;
      try {
        uri = URI.create(fromEnv.trim());
      } catch (IllegalArgumentException e) {
        return new Resolution.Unavailable(List.of(ENDPOINT_ENV + "='" + fromEnv + "' is not a URI: " + e.getMessage()),
            false);
      }
      return new Resolution.Found(new AwsEndpoint(uri, AwsEndpoint.Source.ENVIRONMENT), null);
    }
    String choice = properties.getOrDefault(EMULATOR_PROPERTY, env.getOrDefault(EMULATOR_ENV, "auto"))
        .trim().toLowerCase(Locale.ROOT);
    if (!List.of("auto", "moto", "localstack").contains(choice)) {
      return new Resolution.Unavailable(
          List.of(EMULATOR_PROPERTY + "/" + EMULATOR_ENV + " is '" + choice + "'; use auto, moto or localstack"), false);
    }
    List<String> reasons = new ArrayList<>();
    for (Emulator emulator : emulators.get()) {
      String name = emulator.source().name().toLowerCase(Locale.ROOT);
      if (!choice.equals("auto") && !choice.equals(name)) {
        reasons.add(name + ": not tried (" + EMULATOR_PROPERTY + "=" + choice + ")");
        continue;
      }
      try {
        Emulator.Running running = emulator.start();
        return new Resolution.Found(new AwsEndpoint(running.endpoint(), emulator.source()), running);
      } catch (Emulator.Unavailable e) {
        reasons.add(name + ": " + e.getMessage());
      }
    }
    return new Resolution.Unavailable(reasons, true);
  }

  /** The outcome, kept for the whole JVM in the root extension store; closing it stops an emulator we started. */
  sealed interface Resolution extends AutoCloseable {

    @Override
    default void close() {}

    record Found(AwsEndpoint endpoint, Emulator.Running running) implements Resolution {
      @Override
      public void close() {
        if (running != null) {
          running.close();
        }
      }
    }

    /** @param fixable whether installing something or starting Docker would help (else the config is wrong) */
    record Unavailable(List<String> reasons, boolean fixable) implements Resolution {}
  }
}
