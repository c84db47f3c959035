package io.llmcanary.core.promotion;

/**
 * Where a person can decide on a waiting stage, for the "approval needed" message (docs/architecture.md#the-promotion-workflow): the
 * ApprovePromotion state machine in the Step Functions console, the CLI, and the API route. Fields that are
 * unknown (locally there is no console and no API) are null and their way is left out of the message.
 *
 * @param region                    AWS region of the console links
 * @param approveStateMachineArn    the ApprovePromotion state machine
 * @param apiBaseUrl                base URL of the API (…/rollouts/{id}/approve is appended)
 * @param cli                       how the operator CLI is invoked, e.g. {@code ./canaryctl}
 */
public record ApprovalChannels(String region, String approveStateMachineArn, String apiBaseUrl, String cli) {

  public static final ApprovalChannels LOCAL = new ApprovalChannels(null, null, null, "./canaryctl");

  public ApprovalChannels {
    cli = blank(cli) ? "./canaryctl" : cli;
    apiBaseUrl = blank(apiBaseUrl) ? null : apiBaseUrl.replaceAll("/+$", "");
  }

  /** The console page of a state machine execution, or null when the region is unknown. */
  public String executionLink(String executionArn) {
    if (blank(region) || blank(executionArn) || !executionArn.startsWith("arn:")) {
      return null;
    }
    return consoleBase() + "#/v2/executions/details/" + executionArn;
  }

  /** The console page of the ApprovePromotion state machine, or null when not deployed. */
  public String approveStateMachineLink() {
    if (blank(region) || blank(approveStateMachineArn)) {
      return null;
    }
    return consoleBase() + "#/statemachines/view/" + approveStateMachineArn;
  }

  private String consoleBase() {
    return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region;
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
