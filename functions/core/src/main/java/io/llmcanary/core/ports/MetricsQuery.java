package io.llmcanary.core.ports;

import io.llmcanary.core.judge.JudgeInput;
import java.time.Instant;

/**
 * Reads back what the judge needs for one rollout: per-version stats since the stage began, and over the
 * last hour. Missing data comes back as empty stats, never as an exception the caller must guess about.
 */
public interface MetricsQuery {

  JudgeInput fetch(String application, String rolloutId, Instant stageStartedAt, Instant now);
}
