package io.llmcanary.core.promotion;

import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.ports.AlertPublisher;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.ports.RolloutStore;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Everything the promotion logic talks to: DynamoDB, AppConfig, CloudWatch, SNS and Step Functions in AWS;
 * embedded adapters locally and in the simulator. The clock is injected so decisions can be replayed.
 */
public record PromotionPorts(
    RolloutStore store,
    ConfigPublisher configs,
    MetricsQuery metrics,
    CanaryPolicy policy,
    AlertPublisher alerts,
    ApprovalGateway approvals,
    WorkflowStarter starter,
    ConfigCheck configCheck,
    InstantSource clock) {

  public PromotionPorts {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(configs, "configs");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(approvals, "approvals");
    Objects.requireNonNull(clock, "clock");
    configCheck = configCheck == null ? ConfigCheck.RULES_ONLY : configCheck;
    // metrics, policy and starter may be null where the caller never gates or starts (the approval-only path)
  }

  public PromotionPorts withApprovals(ApprovalGateway gateway) {
    return new PromotionPorts(store, configs, metrics, policy, alerts, gateway, starter, configCheck, clock);
  }

  public PromotionPorts withStarter(WorkflowStarter workflowStarter) {
    return new PromotionPorts(store, configs, metrics, policy, alerts, approvals, workflowStarter, configCheck, clock);
  }
}
