package io.llmcanary.health;

import io.llmcanary.aws.AwsClients;
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
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

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
 * AWS_REGION, AWS_LAMBDA_FUNCTION_NAME  set by Lambda
 * </pre>
 */
record HealthCheckWiring(HealthCheck healthCheck) {

  static HealthCheckWiring fromEnvironment(Map<String, String> env) {
    AwsClients aws = AwsClients.fromEnvironment();
    String appId = required(env, "APPCONFIG_APPLICATION_ID");
    String envId = required(env, "APPCONFIG_ENVIRONMENT_ID");
    String strategy = required(env, "APPCONFIG_DEPLOYMENT_STRATEGY_ID");
    AppConfigConfigPublisher config = new AppConfigConfigPublisher(aws.build(AppConfigClient.builder()),
        new AppConfigConfigPublisher.Target(appId, envId, required(env, "APPCONFIG_PROFILE_ID"), strategy, strategy));
    CloudWatchMetricsQuery metrics = new CloudWatchMetricsQuery(aws.build(CloudWatchClient.builder()),
        env.get("CANARY_METRICS_NAMESPACE"), Duration.ofMinutes(minutes(env, "CANARY_SERIES_PERIOD_MINUTES", 5)));
    OperatorCommands commands = new OperatorCommands(env.get("AWS_LAMBDA_FUNCTION_NAME"), env.get("AWS_REGION"),
        env.get("CANARY_STACK_NAME"), appId, envId);
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

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set (the SAM template sets it)");
    }
    return v.trim();
  }

  private static long minutes(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1 || n > 60) {
        throw new IllegalStateException(name + " must be 1..60 minutes, got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a whole number of minutes, got '" + v + "'", e);
    }
  }
}
