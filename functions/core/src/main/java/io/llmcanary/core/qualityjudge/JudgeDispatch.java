package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.ports.JudgeHandoff;
import java.time.Instant;
import java.util.List;

/**
 * The proxy's side of the quality judge: decides whether an answer is sampled ({@link JudgeSampler}), keeps the
 * hourly cap ({@code qualityJudge.maxPerHour}, per proxy instance) and hands the answer off. It never fails or
 * slows a chat request beyond the port's own bound: a full hour, a missing port or an exception from it is counted
 * and the answer is served as if nothing had been sampled.
 */
public final class JudgeDispatch {

  /** What became of one answer. */
  public enum Result {
    /** Not sampled (or the judge is off): nothing done. */
    NOT_SAMPLED,
    /** Handed off. */
    SENT,
    /** Sampled, but this hour's cap is spent: dropped, counted. */
    CAPPED,
    /** Sampled, but the hand-off failed (queue down, timeout): dropped, counted. */
    FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final JudgeHandoff port;
  private long hour = Long.MIN_VALUE;
  private int used;

  public JudgeDispatch(JudgeHandoff port) {
    this.port = port == null ? JudgeHandoff.NONE : port;
  }

  public Result offer(RolloutConfig config, Variant version, String requestId, List<ChatMessage> messages,
      String answer, Instant now) {
    if (config == null || port == JudgeHandoff.NONE) {
      return Result.NOT_SAMPLED;
    }
    QualityJudgeConfig q = config.qualityJudge();
    if (!JudgeSampler.sampled(q, version, config.canaryPercent(), requestId)) {
      return Result.NOT_SAMPLED;
    }
    if (!take(now, q.maxPerHour())) {
      return Result.CAPPED;
    }
    try {
      port.handOff(new JudgeTask(requestId, config.application(), config.rolloutId(), version, q, messages, answer,
          config.version(Variant.STABLE).orElse(null)));
      return Result.SENT;
    } catch (RuntimeException e) {
      return Result.FAILED;
    }
  }

  private synchronized boolean take(Instant now, int maxPerHour) {
    long h = Math.floorDiv(now.getEpochSecond(), 3600);
    if (h != hour) {
      hour = h;
      used = 0;
    }
    if (used >= maxPerHour) {
      return false;
    }
    used++;
    return true;
  }
}
