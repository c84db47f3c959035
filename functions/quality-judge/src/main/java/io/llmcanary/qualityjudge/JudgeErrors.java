package io.llmcanary.qualityjudge;

import io.llmcanary.core.metrics.EmfEncoder;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Counts what the judge could not grade, as an EMF {@code JudgeErrors} line by {Application, Rollout} and by
 * {Application} alone (the stack's alarm watches that one, across rollouts; no Version: no reader takes it for a
 * version's metric) with the reason and the request id; the alarm on judge errors reads it.
 * The reason is the run's own wording (kind of failure), never the judge's answer or the conversation.
 */
public final class JudgeErrors {

  private final String namespace;
  private final Consumer<String> out;
  private final Clock clock;

  public JudgeErrors(String namespace, Consumer<String> out, Clock clock) {
    this.namespace = namespace == null || namespace.isBlank() ? EmfEncoder.DEFAULT_NAMESPACE : namespace;
    this.out = out;
    this.clock = clock;
  }

  public void count(String application, String rolloutId, String requestId, String reason) {
    StringBuilder b = new StringBuilder(320);
    b.append("{\"_aws\":{\"Timestamp\":").append(clock.millis()).append(",\"CloudWatchMetrics\":[{\"Namespace\":");
    EmfEncoder.appendJsonString(b, namespace);
    b.append(",\"Dimensions\":[[\"Application\",\"Rollout\"],[\"Application\"]],\"Metrics\":[{\"Name\":\"JudgeErrors\",\"Unit\":\"Count\"}]}]}")
        .append(",\"Application\":");
    EmfEncoder.appendJsonString(b, application == null ? "unknown" : application);
    b.append(",\"Rollout\":");
    EmfEncoder.appendJsonString(b, rolloutId == null ? "unknown" : rolloutId);
    b.append(",\"JudgeErrors\":1,\"judgeError\":");
    EmfEncoder.appendJsonString(b, reason);
    b.append(",\"requestId\":");
    EmfEncoder.appendJsonString(b, requestId);
    out.accept(b.append('}').toString());
  }
}
