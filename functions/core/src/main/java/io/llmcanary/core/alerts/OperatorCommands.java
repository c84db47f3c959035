package io.llmcanary.core.alerts;

import java.util.ArrayList;
import java.util.List;

/**
 * The exact commands an alert offers, filled in with the names of this deployment so a person can paste them
 * at 3 a.m. without looking anything up.
 *
 * @param functionName     the health-check Lambda function (AWS_LAMBDA_FUNCTION_NAME), or null when run locally
 * @param region           AWS region of the stack, or null when run locally
 * @param stackName        CloudFormation stack the CLI finds resources by, or null for the CLI's default
 * @param appConfigApplicationId AppConfig application id, or null
 * @param appConfigEnvironmentId AppConfig environment id, or null
 * @param logGroup         the health check's log group (the template names its log groups), or null for
 *                         Lambda's default {@code /aws/lambda/FUNCTION}
 */
public record OperatorCommands(
    String functionName,
    String region,
    String stackName,
    String appConfigApplicationId,
    String appConfigEnvironmentId,
    String logGroup) {

  /** With Lambda's default log group. */
  public OperatorCommands(String functionName, String region, String stackName, String appConfigApplicationId,
      String appConfigEnvironmentId) {
    this(functionName, region, stackName, appConfigApplicationId, appConfigEnvironmentId, null);
  }

  /** No deployment names: the commands are those of the local runner. */
  public static OperatorCommands local() {
    return new OperatorCommands(null, null, null, null, null, null);
  }

  /** Commands to look at the rollout and its evidence. */
  public List<String> inspect(String application, String rolloutId) {
    String stack = stackName == null ? "" : " --stack " + stackName;
    List<String> c = new ArrayList<>();
    c.add("./canaryctl status " + rolloutId + stack);
    c.add("./canaryctl history " + rolloutId + stack);
    if (logGroup != null || functionName != null) {
      c.add("aws logs tail " + (logGroup != null ? logGroup : "/aws/lambda/" + functionName) + " --since 1h"
          + regionFlag());
    }
    if (appConfigApplicationId != null && appConfigEnvironmentId != null) {
      c.add("aws appconfig list-deployments --application-id " + appConfigApplicationId + " --environment-id "
          + appConfigEnvironmentId + " --max-results 3" + regionFlag());
    }
    return List.copyOf(c);
  }

  /** Commands to run the health check again for this one rollout (it also resumes unfinished rollback steps). */
  public List<String> rerun(String application, String rolloutId) {
    String payload = PastedInput.compact().text("application", application).text("rolloutId", rolloutId).toString();
    List<String> c = new ArrayList<>();
    if (functionName != null) {
      c.add("aws lambda invoke --function-name " + functionName + regionFlag()
          + " --cli-binary-format raw-in-base64-out --payload '" + payload + "' /dev/stdout");
    }
    c.add("./canaryctl invoke health-check events/health-check-on-demand.json   # locally, on embedded defaults");
    return List.copyOf(c);
  }

  private String regionFlag() {
    return region == null ? "" : " --region " + region;
  }
}
