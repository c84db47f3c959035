package io.llmcanary.core.promotion;

import java.util.Map;

/**
 * A person's approval as the workflow receives it: the output sent with SendTaskSuccess, which the workflow
 * hands to the next apply-stage.
 *
 * @param fromStage the stage that was approved (0-based)
 * @param toStage   the stage it moves to
 */
public record Approval(String decision, String actor, String reason, int fromStage, int toStage) {

  public static final String APPROVE = "approve";

  public static Approval of(String actor, String reason, int fromStage) {
    return new Approval(APPROVE, actor, reason, fromStage, fromStage + 1);
  }

  /** The task output: a flat JSON object. */
  public String toJson() {
    return "{\"decision\":" + JsonText.quote(decision) + ",\"actor\":" + JsonText.quote(actor)
        + ",\"reason\":" + JsonText.quote(reason) + ",\"fromStage\":" + fromStage + ",\"toStage\":" + toStage + "}";
  }

  /** Reads {@link #toJson()} back (the in-process workflow receives the output as text, as Step Functions does). */
  public static Approval fromJson(String json) {
    Map<String, String> m = JsonText.parseFlatObject(json);
    return new Approval(m.get("decision"), m.get("actor"), m.get("reason"),
        Integer.parseInt(m.getOrDefault("fromStage", "-1")), Integer.parseInt(m.getOrDefault("toStage", "-1")));
  }
}
