package io.llmcanary.local.sim;

import io.llmcanary.core.judge.Outcome;
import java.time.Instant;

/**
 * One line of a simulated rollout's timeline.
 *
 * @param check   health checks run so far (the detection delay, counted in checks)
 * @param kind    STARTED, VERDICT, GATE, APPROVED, EXTENDED, ROLLED_BACK, PROMOTED, STALLED
 * @param verdict the verdict behind the event, when there was one
 * @param table   the comparison table behind the event, when there was one
 */
public record TimelineEvent(Instant at, int check, int stage, double percent, String kind, Outcome verdict,
    String text, String table) {}
