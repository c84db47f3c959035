package io.llmcanary.core.ports;

/** Completes the promotion workflow's waiting approval task (Step Functions SendTaskSuccess/Failure). */
public interface ApprovalGateway {

  void approve(String taskToken, String outputJson);

  void reject(String taskToken, String error, String cause);
}
