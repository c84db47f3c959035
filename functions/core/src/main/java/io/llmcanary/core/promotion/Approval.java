package io.llmcanary.core.promotion;

/**
 * A person's approval as the workflow receives it: the approval task's output (the Step Functions adapter sends
 * it with SendTaskSuccess as JSON), which the workflow hands to the next apply-stage.
 *
 * @param fromStage the stage that was approved (0-based)
 * @param toStage   the stage it moves to
 */
public record Approval(String decision, String actor, String reason, int fromStage, int toStage) {

  public static final String APPROVE = "approve";

  public static Approval of(String actor, String reason, int fromStage) {
    return new Approval(APPROVE, actor, reason, fromStage, fromStage + 1);
  }
}
