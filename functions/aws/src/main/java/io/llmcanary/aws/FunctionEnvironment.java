package io.llmcanary.aws;

import io.llmcanary.aws.appconfig.AppConfigConfigPublisher;
import io.llmcanary.aws.cloudwatch.CloudWatchMetricsQuery;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * Reads a function's environment (set by the SAM template) into the adapters the health-check and promotion
 * functions share, with errors that name the variable. Each function module declares the SDK services it uses;
 * call only the builders whose service is on that function's classpath.
 */
public final class FunctionEnvironment {

  private FunctionEnvironment() {}

  /** The variable's trimmed value; a missing or blank one stops the cold start with its name. */
  public static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("environment variable " + name + " is not set (the SAM template sets it)");
    }
    return v.trim();
  }

  /** A whole number of minutes within 1..60, or the fallback when unset. */
  public static long minutes(Map<String, String> env, String name, long fallback) {
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

  /**
   * The rollout config's write path: APPCONFIG_APPLICATION_ID, APPCONFIG_ENVIRONMENT_ID, APPCONFIG_PROFILE_ID;
   * APPCONFIG_DEPLOYMENT_STRATEGY_ID is the immediate strategy of rollbacks, APPCONFIG_PLANNED_STRATEGY_ID
   * (optional, default the immediate one) the strategy of planned stage changes.
   */
  public static AppConfigConfigPublisher appConfigPublisher(AwsClients aws, Map<String, String> env) {
    String immediate = required(env, "APPCONFIG_DEPLOYMENT_STRATEGY_ID");
    String planned = env.getOrDefault("APPCONFIG_PLANNED_STRATEGY_ID", "").isBlank() ? immediate
        : env.get("APPCONFIG_PLANNED_STRATEGY_ID").trim();
    return new AppConfigConfigPublisher(aws.build(AppConfigClient.builder()), new AppConfigConfigPublisher.Target(
        required(env, "APPCONFIG_APPLICATION_ID"), required(env, "APPCONFIG_ENVIRONMENT_ID"),
        required(env, "APPCONFIG_PROFILE_ID"), planned, immediate));
  }

  /** What the judge reads: CANARY_METRICS_NAMESPACE (default LlmCanary), CANARY_SERIES_PERIOD_MINUTES (default 5). */
  public static CloudWatchMetricsQuery metricsQuery(AwsClients aws, Map<String, String> env) {
    return new CloudWatchMetricsQuery(aws.build(CloudWatchClient.builder()), env.get("CANARY_METRICS_NAMESPACE"),
        Duration.ofMinutes(minutes(env, "CANARY_SERIES_PERIOD_MINUTES", 5)));
  }
}
