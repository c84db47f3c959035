package io.llmcanary.qualityjudge;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.llmcanary.codec.JudgeTaskCodec;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.core.qualityjudge.QualityJudgeRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The quality-judge Lambda (docs/architecture.md#the-quality-judge), triggered by the judge queue in batches with
 * {@code ReportBatchItemFailures}: each message is one sampled answer; {@link QualityJudgeRun} grades it and
 * writes its EMF line. The response names only the messages worth another delivery (throttling, timeouts) in
 * {@code {"batchItemFailures": [{"itemIdentifier": messageId}]}}; a message that cannot be read, a malformed grade
 * or a rollout whose judge is off is counted ({@code JudgeErrors}) and dropped, never retried into a score. After
 * the queue's receive limit a retried message goes to the dead-letter queue (alarmed). No line names the text.
 */
public final class QualityJudgeHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private final Function<JudgeTask, QualityJudgeRun> runs;
  private final JudgeErrors errors;

  public QualityJudgeHandler() {
    this(QualityJudgeWiring.fromEnvironment(System.getenv()));
  }

  QualityJudgeHandler(QualityJudgeWiring w) {
    this(w::runFor, w.errors());
  }

  public QualityJudgeHandler(Function<JudgeTask, QualityJudgeRun> runs, JudgeErrors errors) {
    this.runs = runs;
    this.errors = errors;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    List<Map<String, String>> failures = new ArrayList<>();
    Object records = event == null ? null : event.get("Records");
    if (records instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> record)) {
          continue;
        }
        String messageId = String.valueOf(record.get("messageId"));
        JudgeTask task;
        try {
          task = JudgeTaskCodec.read(String.valueOf(record.get("body")));
        } catch (IllegalArgumentException e) {
          errors.count(null, null, messageId, "unreadable_message");
          continue;
        }
        QualityJudgeRun.Outcome outcome = runs.apply(task).run(task);
        if (outcome instanceof QualityJudgeRun.Outcome.Failed f) {
          errors.count(task.application(), task.rolloutId(), task.requestId(), f.reason());
          if (f.retryable()) {
            failures.add(Map.of("itemIdentifier", messageId));
          }
        }
      }
    }
    return Map.of("batchItemFailures", failures);
  }
}
