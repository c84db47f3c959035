package io.llmcanary.core.promotion;

/** Starts the promotion workflow of a rollout (Step Functions StartExecution in AWS). */
public interface WorkflowStarter {

  /** Starts one execution for the rollout and returns its id (the execution ARN in AWS). */
  String start(String application, String rolloutId);
}
