package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.ChatModel;
import io.llmcanary.core.ports.JudgeModel;
import io.llmcanary.core.ports.MetricsSink;
import io.llmcanary.core.proxy.ChatModels;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code quality-judge} function's work on one hand-off, free of SQS and Bedrock: grade the answer (absolute), or
 * get a shadow stable answer to the same conversation and compare the two in both orders (pairwise), then record one
 * metrics line. A judge or shadow failure is an {@link Outcome.Failed} with a reason, never a score.
 *
 * <p>Pairwise: order 1 shows canary first, order 2 stable first, so a judge that favours a position cannot move the
 * preference. Canary won both orders: 1; stable won both: 0; anything else (ties, or the verdict flipped with the
 * order): ½.
 */
public final class QualityJudgeRun {

  /** What became of one task. */
  public sealed interface Outcome {
    record Graded(RequestMetrics metrics) implements Outcome {}

    /** @param retryable worth another delivery (throttling, timeout); else the task is dropped, counted */
    record Failed(String reason, boolean retryable) implements Outcome {}
  }

  private final JudgeModel judge;
  private final ChatModels shadowModels;
  private final MetricsSink metrics;
  private final Clock clock;
  private final Duration shadowTimeout;

  public QualityJudgeRun(JudgeModel judge, ChatModels shadowModels, MetricsSink metrics, Clock clock,
      Duration shadowTimeout) {
    this.judge = Objects.requireNonNull(judge, "judge");
    this.shadowModels = shadowModels;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.shadowTimeout = shadowTimeout;
  }

  public Outcome run(JudgeTask task) {
    QualityJudgeConfig q = task.judge();
    try {
      RequestMetrics m = switch (q.judgeMode()) {
        case OFF -> null;
        case ABSOLUTE -> RequestMetrics.judged(task.application(), task.rolloutId(), task.version(), task.requestId(),
            clock.millis(), checked(judge.grade(q.rubric(), task.messages(), task.answer())), null);
        case PAIRWISE -> pairwise(task, q);
      };
      if (m == null) {
        return new Outcome.Failed("the quality judge is off for this rollout", false);
      }
      metrics.record(m);
      return new Outcome.Graded(m);
    } catch (JudgeModel.JudgeModelException e) {
      return new Outcome.Failed("judge: " + e.getMessage(), retryable(e));
    } catch (ChatModelException e) {
      return new Outcome.Failed("shadow stable answer: " + e.kind().name().toLowerCase(java.util.Locale.ROOT),
          e.kind() != ChatModelException.Kind.ERROR);
    }
  }

  private RequestMetrics pairwise(JudgeTask task, QualityJudgeConfig q) {
    if (task.version() != Variant.CANARY) {
      return null; // pairwise compares canary answers with shadow stable ones; stable is never sampled
    }
    if (task.stable() == null || shadowModels == null) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "no stable version to ask");
    }
    ChatModel model = shadowModels.forProvider(task.stable().provider())
        .orElseThrow(() -> new ChatModelException(ChatModelException.Kind.ERROR, "stable's provider is not set up"));
    ChatResult shadow = model.complete(new ChatRequest(task.stable(), task.messages(), false, shadowTimeout));
    if (shadow.text() == null || shadow.text().isBlank()) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "empty shadow answer");
    }
    JudgeModel.Comparison canaryFirst = judge.compare(q.rubric(), task.messages(), task.answer(), shadow.text());
    JudgeModel.Comparison stableFirst = judge.compare(q.rubric(), task.messages(), shadow.text(), task.answer());
    return RequestMetrics.judged(task.application(), task.rolloutId(), Variant.CANARY, task.requestId(),
        clock.millis(), null, preference(canaryFirst, stableFirst));
  }

  /** Canary's preference from the two orders: 1 or 0 only when both orders agree, else ½. */
  public static double preference(JudgeModel.Comparison canaryFirst, JudgeModel.Comparison stableFirst) {
    if (canaryFirst == JudgeModel.Comparison.FIRST && stableFirst == JudgeModel.Comparison.SECOND) {
      return 1.0;
    }
    if (canaryFirst == JudgeModel.Comparison.SECOND && stableFirst == JudgeModel.Comparison.FIRST) {
      return 0.0;
    }
    return 0.5;
  }

  private static double checked(double grade) {
    if (!(grade >= 0 && grade <= 1)) {
      throw new JudgeModel.JudgeModelException("grade out of range");
    }
    return grade;
  }

  private static boolean retryable(JudgeModel.JudgeModelException e) {
    return e.getCause() instanceof ChatModelException c && c.kind() != ChatModelException.Kind.ERROR;
  }
}
