package io.llmcanary.core.embedded;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.ConfigSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Config published and read in one process: what the health check or promotion publishes, the proxy serves
 * on its next request (locally there is no agent poll interval to wait for).
 */
public final class InMemoryConfigStore implements ConfigSource, ConfigPublisher {

  /** One publication, for tests and the local timeline. */
  public record Publication(RolloutConfig config, Speed speed, String description) {}

  private volatile RolloutConfig current;
  private final List<Publication> publications = new CopyOnWriteArrayList<>();

  public InMemoryConfigStore(RolloutConfig initial) {
    this.current = initial;
  }

  @Override
  public Optional<RolloutConfig> current() {
    return Optional.ofNullable(current);
  }

  @Override
  public RolloutConfig deployedConfig() {
    return current;
  }

  @Override
  public void publish(RolloutConfig config, Speed speed, String description) {
    current = config;
    publications.add(new Publication(config, speed, description));
  }

  public List<Publication> publications() {
    return List.copyOf(publications);
  }
}
