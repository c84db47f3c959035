package io.llmcanary.aws.stepfunctions;

import io.llmcanary.codec.Json;
import io.llmcanary.core.promotion.WorkflowStarter;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the promotion state machine for a rollout (StartExecution). The execution is named after the rollout,
 * so a retried start is idempotent (Step Functions returns the running execution for the same name and input)
 * and the console lists executions by rollout id.
 */
public final class StepFunctionsWorkflowStarter implements WorkflowStarter {

  /** Execution names: 1-80 characters; letters, digits, '-' and '_' keep them usable in CloudWatch Logs too. */
  static final int MAX_NAME = 80;

  private final SfnClient sfn;
  private final String stateMachineArn;
  private final Map<String, Object> settings;

  /**
   * @param settings extra input fields for every execution, e.g. {@code stageSeconds}; the definition's defaults
   *                 apply to the rest
   */
  public StepFunctionsWorkflowStarter(SfnClient sfn, String stateMachineArn, Map<String, Object> settings) {
    this.sfn = Objects.requireNonNull(sfn, "sfn");
    this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
    this.settings = settings == null ? Map.of() : new TreeMap<>(settings);
  }

  @Override
  public String start(String application, String rolloutId) {
    String input = input(application, rolloutId);
    try {
      return sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(executionName(rolloutId)).input(input))
          .executionArn();
    } catch (ExecutionAlreadyExistsException e) {
      throw new IllegalStateException("an execution named " + executionName(rolloutId) + " exists already with other"
          + " input (execution names are unique per state machine for 90 days); choose another rollout id", e);
    }
  }

  /** The execution input: application, rollout id and the configured settings, as JSON. */
  String input(String application, String rolloutId) {
    com.fasterxml.jackson.databind.node.ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("application", application).put("rolloutId", rolloutId);
    settings.forEach((k, v) -> n.set(k, Json.MAPPER.valueToTree(
        v instanceof Number || v instanceof Boolean ? v : String.valueOf(v))));
    return n.toString();
  }

  static String executionName(String rolloutId) {
    String name = rolloutId.replaceAll("[^A-Za-z0-9_-]", "-");
    return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
  }
}
