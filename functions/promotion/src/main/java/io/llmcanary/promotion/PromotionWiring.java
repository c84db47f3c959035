package io.llmcanary.promotion;

import io.llmcanary.aws.AwsClients;
import io.llmcanary.aws.FunctionEnvironment;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.aws.SnsAlertPublisher;
import io.llmcanary.aws.stepfunctions.StepFunctionsApprovalExecutions;
import io.llmcanary.aws.stepfunctions.StepFunctionsApprovalGateway;
import io.llmcanary.aws.stepfunctions.StepFunctionsWorkflowStarter;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.ports.ApprovalExecutions;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.ConfigCheck;
import io.llmcanary.core.promotion.OperatorRules;
import io.llmcanary.core.promotion.Promotion;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.promotion.WorkflowStarter;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Builds the promotion function from its environment (the SAM template sets these):
 *
 * <pre>
 * ROLLOUT_TABLE                     DynamoDB table of rollout state and audit
 * ALERT_TOPIC_ARN                   SNS topic for alerts
 * APPCONFIG_APPLICATION_ID          AppConfig application, environment and freeform profile of the rollout config
 * APPCONFIG_ENVIRONMENT_ID
 * APPCONFIG_PROFILE_ID
 * APPCONFIG_DEPLOYMENT_STRATEGY_ID  the immediate strategy (rollbacks, rejections)
 * APPCONFIG_PLANNED_STRATEGY_ID     the strategy of planned stage changes (default: the immediate one)
 * CANARY_METRICS_NAMESPACE          CloudWatch namespace of the EMF metrics (default LlmCanary)
 * CANARY_SERIES_PERIOD_MINUTES      period of the per-period p95 series (default 5)
 * PROMOTION_STATE_MACHINE_ARN       the promotion state machine, started by the start route (optional: no start without)
 * APPROVE_STATE_MACHINE_ARN         the ApprovePromotion state machine, linked from "approval needed" (optional)
 * API_BASE_URL                      the HTTP API's base URL, quoted in "approval needed" (optional)
 * CANARY_CLI                        how operators call the CLI, quoted in messages (default ./canaryctl)
 * CANARY_OPERATOR_PRINCIPALS        comma-separated IAM principal ARNs allowed on the rollout routes (optional: any
 *                                   caller IAM auth admits); see {@link OperatorRules}
 * CANARY_REQUIRE_SEPARATE_APPROVER  true: the principal who started a rollout cannot approve it (default false)
 * CANARY_PROVIDERS                  comma-separated providers the chat proxy has wired (bedrock, openai, offline);
 *                                   a start naming another is refused (optional: no restriction)
 * STAGE_SECONDS, MAX_INCONCLUSIVE_WAITS, APPROVAL_TIMEOUT_SECONDS
 *                                   execution input for new rollouts (optional: the definition's defaults apply)
 * AWS_REGION                        set by Lambda
 * </pre>
 */
final class PromotionWiring {

  private PromotionWiring() {}

  static PromotionFunction fromEnvironment(Map<String, String> env) {
    AwsClients aws = AwsClients.fromEnvironment();
    SfnClient sfn = aws.build(SfnClient.builder());
    PromotionPorts ports = new PromotionPorts(
        new DynamoDbRolloutStore(aws.dynamoDb(), required(env, "ROLLOUT_TABLE")),
        configPublisher(aws, env),
        metricsQuery(aws, env),
        new SequentialJudge(),
        new SnsAlertPublisher(aws.sns(), required(env, "ALERT_TOPIC_ARN")),
        new StepFunctionsApprovalGateway(sfn),
        starter(sfn, env),
        null, // the start route passes the schema check of each request
        Clock.systemUTC());
    ApprovalChannels channels = new ApprovalChannels(aws.region().id(), env.get("APPROVE_STATE_MACHINE_ARN"),
        env.get("API_BASE_URL"), env.get("CANARY_CLI"));
    String approveArn = env.get("APPROVE_STATE_MACHINE_ARN");
    ApprovalExecutions executions = approveArn == null || approveArn.isBlank() ? ApprovalExecutions.NONE
        : new StepFunctionsApprovalExecutions(sfn, approveArn.trim());
    return new PromotionFunction(new Promotion(ports, channels, operatorRules(env),
        ConfigCheck.providersWired(wiredProviders(env))), executions, System.out);
  }

  /** The providers the chat proxy can call, or null when the environment does not say (no restriction). */
  static Set<String> wiredProviders(Map<String, String> env) {
    String list = env.get("CANARY_PROVIDERS");
    if (list == null || list.isBlank()) {
      return null;
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  /** The operator allow-list and the two-person rule, from the environment. */
  static OperatorRules operatorRules(Map<String, String> env) {
    String list = env.getOrDefault("CANARY_OPERATOR_PRINCIPALS", "");
    List<String> principals = Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String p : principals) {
      if (!p.startsWith("arn:")) {
        throw new IllegalStateException("CANARY_OPERATOR_PRINCIPALS holds IAM principal ARNs (arn:aws:iam::ACCOUNT:user/NAME"
            + " or ...:role/NAME), got '" + p + "'");
      }
    }
    String separate = env.getOrDefault("CANARY_REQUIRE_SEPARATE_APPROVER", "false").trim().toLowerCase(Locale.ROOT);
    if (!separate.equals("true") && !separate.equals("false") && !separate.isEmpty()) {
      throw new IllegalStateException("CANARY_REQUIRE_SEPARATE_APPROVER must be true or false, got '" + separate + "'");
    }
    return new OperatorRules(principals, separate.equals("true"));
  }

  /** Execution input settings of new rollouts, from the environment (the definition's defaults otherwise). */
  static Map<String, Object> executionSettings(Map<String, String> env) {
    Map<String, Object> s = new LinkedHashMap<>();
    for (String[] e : new String[][] {{"STAGE_SECONDS", "stageSeconds"}, {"MAX_INCONCLUSIVE_WAITS", "maxInconclusiveWaits"},
        {"APPROVAL_TIMEOUT_SECONDS", "approvalTimeoutSeconds"}}) {
      String v = env.get(e[0]);
      if (v != null && !v.isBlank()) {
        try {
          long n = Long.parseLong(v.trim());
          if (n < 0) {
            throw new NumberFormatException();
          }
          s.put(e[1], n);
        } catch (NumberFormatException ex) {
          throw new IllegalStateException(e[0] + " must be a whole number of seconds (or waits), got '" + v + "'");
        }
      }
    }
    return s;
  }

  private static WorkflowStarter starter(SfnClient sfn, Map<String, String> env) {
    String arn = env.get("PROMOTION_STATE_MACHINE_ARN");
    if (arn == null || arn.isBlank()) {
      return (app, id) -> {
        throw new IllegalStateException("PROMOTION_STATE_MACHINE_ARN is not set: this function cannot start workflows");
      };
    }
    return new StepFunctionsWorkflowStarter(sfn, arn.trim(), executionSettings(env));
  }

  /** The config's write path: stage changes with the planned strategy, rollbacks and rejections at once. */
  static ConfigPublisher configPublisher(AwsClients aws, Map<String, String> env) {
    return FunctionEnvironment.appConfigPublisher(aws, env);
  }

  /** What the gate judges: everything since the stage began, from the EMF metrics in CloudWatch. */
  static MetricsQuery metricsQuery(AwsClients aws, Map<String, String> env) {
    return FunctionEnvironment.metricsQuery(aws, env);
  }

  private static String required(Map<String, String> env, String name) {
    return FunctionEnvironment.required(env, name);
  }


}
