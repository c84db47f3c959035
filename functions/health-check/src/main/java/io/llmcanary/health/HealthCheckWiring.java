package io.llmcanary.health;

import io.llmcanary.aws.AwsClients;
import io.llmcanary.aws.FunctionEnvironment;
import io.llmcanary.aws.DynamoDbRolloutStore;
import io.llmcanary.aws.SnsAlertPublisher;
import io.llmcanary.aws.appconfig.AppConfigConfigPublisher;
import io.llmcanary.aws.cloudwatch.CloudWatchMetricsQuery;
import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.aws.stepfunctions.StepFunctionsApprovalGateway;
import io.llmcanary.core.ports.ApprovalGateway;
import software.amazon.awssdk.services.sfn.SfnClient;
import java.time.Clock;
import java.util.Map;

/**
 * Builds the health check from the function's environment (the SAM template sets these):
 *
 * <pre>
 * ROLLOUT_TABLE                     DynamoDB table of rollout state and audit
 * ALERT_TOPIC_ARN                   SNS topic for alerts
 * APPCONFIG_APPLICATION_ID          AppConfig application, environment and freeform profile of the rollout config
 * APPCONFIG_ENVIRONMENT_ID
 * APPCONFIG_PROFILE_ID
 * APPCONFIG_DEPLOYMENT_STRATEGY_ID  the immediate strategy (duration 0, growth 100%, bake 0) used for rollbacks
 * CANARY_METRICS_NAMESPACE          CloudWatch namespace of the EMF metrics (default LlmCanary)
 * CANARY_SERIES_PERIOD_MINUTES      period of the per-period p95 series (default 5)
 * CANARY_STACK_NAME                 stack name the alert's canaryctl commands use (optional)
 * CANARY_LOG_GROUP                  the function's log group the alert's `aws logs tail` names (optional; else
 *                                   AWS_LAMBDA_LOG_GROUP_NAME)
 * AWS_REGION, AWS_LAMBDA_FUNCTION_NAME  set by Lambda
 * </pre>
 */
record HealthCheckWiring(HealthCheck healthCheck) {

  private static String required(Map<String, String> env, String name) {
    return FunctionEnvironment.required(env, name);
  }

  static HealthCheckWiring fromEnvironment(Map<String, String> env) {
    AwsClients aws = AwsClients.fromEnvironment();
    String appId = required(env, "APPCONFIG_APPLICATION_ID");
    String envId = required(env, "APPCONFIG_ENVIRONMENT_ID");
    // The health check only ever publishes rollbacks: the immediate strategy.
    AppConfigConfigPublisher config = FunctionEnvironment.appConfigPublisher(aws, env);
    CloudWatchMetricsQuery metrics = FunctionEnvironment.metricsQuery(aws, env);
    OperatorCommands commands = new OperatorCommands(env.get("AWS_LAMBDA_FUNCTION_NAME"), env.get("AWS_REGION"),
        env.get("CANARY_STACK_NAME"), appId, envId,
        env.getOrDefault("CANARY_LOG_GROUP", env.get("AWS_LAMBDA_LOG_GROUP_NAME")));
    HealthCheck check = new HealthCheck(
        new DynamoDbRolloutStore(aws.dynamoDb(), required(env, "ROLLOUT_TABLE")),
        metrics, config,
        new SnsAlertPublisher(aws.sns(), required(env, "ALERT_TOPIC_ARN")),
        approvalGateway(aws),
        new SequentialJudge(),
        Clock.systemUTC(),
        HealthCheckSettings.defaults(commands));
    return new HealthCheckWiring(check);
  }

  /** Step 4's port: fails the promotion workflow's waiting approval task (SendTaskFailure). */
  static ApprovalGateway approvalGateway(AwsClients aws) {
    return new StepFunctionsApprovalGateway(aws.build(SfnClient.builder()));
  }
}
