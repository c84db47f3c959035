package io.llmcanary.core.judge;

import io.llmcanary.core.metrics.WindowStats;

/**
 * What a policy judges: everything since the current stage began (cumulative, the main evidence) and the
 * last hour (a faster look for sudden breaks). docs/architecture.md#the-judge "Data thrown away".
 *
 * @param stage  cumulative per-version stats since the stage began
 * @param recent the last hour; may equal {@code stage} early in a stage
 */
public record JudgeInput(WindowStats stage, WindowStats recent) {}
