package io.llmcanary.core.metrics;

import java.time.Instant;

/** Stable and canary over the same window. */
public record WindowStats(Instant from, Instant to, VersionStats stable, VersionStats canary) {

  public static WindowStats empty(Instant from, Instant to) {
    return new WindowStats(from, to, VersionStats.EMPTY, VersionStats.EMPTY);
  }
}
