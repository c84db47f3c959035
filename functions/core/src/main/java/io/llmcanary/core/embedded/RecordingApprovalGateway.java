package io.llmcanary.core.embedded;

import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.promotion.Approval;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Approval decisions kept in memory (locally there is no Step Functions task to complete). */
public final class RecordingApprovalGateway implements ApprovalGateway {

  /** One completed task: the token, and the approval, or (rejected) the error and cause. */
  public record Decision(String taskToken, Approval approval, String error, String cause) {

    public boolean approved() {
      return approval != null;
    }
  }

  private final List<Decision> decisions = new CopyOnWriteArrayList<>();

  @Override
  public void approve(String taskToken, Approval approval) {
    decisions.add(new Decision(taskToken, approval, null, null));
  }

  @Override
  public void reject(String taskToken, String error, String cause) {
    decisions.add(new Decision(taskToken, null, error, cause));
  }

  public List<Decision> decisions() {
    return List.copyOf(decisions);
  }
}
