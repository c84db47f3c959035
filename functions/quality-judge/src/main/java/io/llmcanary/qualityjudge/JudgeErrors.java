package io.llmcanary.qualityjudge;

import io.llmcanary.codec.EmfEncoder;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Counts what the judge could not grade, as an EMF {@code JudgeErrors} line by {Application, Rollout} and by
 * {Application} alone (the stack's alarm watches that one, across rollouts; no Version: no reader takes it for a
 * version's metric) with the reason and the request id; the alarm on judge errors reads it.
 * The reason is the run's own wording (kind of failure), never the judge's answer or the conversation.
 */
public final class JudgeErrors {

  private final EmfEncoder encoder;
  private final Consumer<String> out;
  private final Clock clock;

  public JudgeErrors(String namespace, Consumer<String> out, Clock clock) {
    this.encoder = new EmfEncoder(namespace);
    this.out = out;
    this.clock = clock;
  }

  public void count(String application, String rolloutId, String requestId, String reason) {
    java.util.Map<String, String> d = new java.util.LinkedHashMap<>();
    d.put("Application", application == null ? "unknown" : application);
    d.put("Rollout", rolloutId == null ? "unknown" : rolloutId);
    java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
    p.put("judgeError", reason);
    p.put("requestId", requestId);
    out.accept(encoder.counts(clock.millis(), java.util.List.of(java.util.List.of("Application", "Rollout"),
        java.util.List.of("Application")), d, java.util.Map.of("JudgeErrors", 1L), p));
  }
}
