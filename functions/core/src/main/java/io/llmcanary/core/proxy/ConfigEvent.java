package io.llmcanary.core.proxy;

/**
 * Something that happened while reading the rollout config, for logs and counters. Never carries the config's
 * prompts: only what changed or what went wrong.
 *
 * @param detail              a short description (HTTP status, exception class, the invalid fields)
 * @param consecutiveFailures failed reads in a row, 0 after a success
 * @param totalFailures       failed reads since the container started
 */
public record ConfigEvent(Kind kind, String detail, String rolloutId, long consecutiveFailures, long totalFailures) {

  public enum Kind {
    /** A new valid config was read and is now in use. */
    LOADED,
    /** The source answered with an error status. */
    HTTP_ERROR,
    /** The source did not answer in time. */
    TIMEOUT,
    /** The source could not be reached. */
    UNREACHABLE,
    /** The source answered with a config that fails validation; the last good one stays. */
    INVALID;

    public boolean failure() {
      return this != LOADED;
    }
  }

  /** Receives config events; must not block. */
  @FunctionalInterface
  public interface Listener {
    void onConfigEvent(ConfigEvent event);

    Listener NONE = e -> { };
  }
}
