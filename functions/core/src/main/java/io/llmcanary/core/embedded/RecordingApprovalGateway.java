package io.llmcanary.core.embedded;

import io.llmcanary.core.ports.ApprovalGateway;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Approval decisions kept in memory (locally there is no Step Functions task to complete). */
public final class RecordingApprovalGateway implements ApprovalGateway {

  /** One completed task: {@code approved}, the token, and the output or error and cause. */
  public record Decision(boolean approved, String taskToken, String detail, String cause) {}

  private final List<Decision> decisions = new CopyOnWriteArrayList<>();

  @Override
  public void approve(String taskToken, String outputJson) {
    decisions.add(new Decision(true, taskToken, outputJson, null));
  }

  @Override
  public void reject(String taskToken, String error, String cause) {
    decisions.add(new Decision(false, taskToken, error, cause));
  }

  public List<Decision> decisions() {
    return List.copyOf(decisions);
  }
}
