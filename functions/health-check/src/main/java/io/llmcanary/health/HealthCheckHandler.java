package io.llmcanary.health;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckReport;
import java.io.PrintStream;
import java.util.Map;

/**
 * The health-check Lambda (docs/architecture.md#shape): EventBridge Scheduler every 15 minutes, or on demand with
 * {@code {"application": "...", "rolloutId": "..."}}. Parses the event, runs {@link HealthCheck} (all decisions
 * live there) and answers with what it did about each rollout; one JSON log line per rollout.
 *
 * <p>Everything is built once per container, in the constructor (the runtime makes one handler instance).
 */
public final class HealthCheckHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private final HealthCheck check;
  private final PrintStream log;
  private final String metricsNamespace;

  public HealthCheckHandler() {
    this(HealthCheckWiring.fromEnvironment(System.getenv()).healthCheck(), System.out,
        System.getenv("CANARY_METRICS_NAMESPACE"));
  }

  public HealthCheckHandler(HealthCheck check, PrintStream log) {
    this(check, log, null);
  }

  public HealthCheckHandler(HealthCheck check, PrintStream log, String metricsNamespace) {
    this.check = check;
    this.log = log;
    this.metricsNamespace = metricsNamespace;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
    HealthCheckReport report = check.run(HealthCheckEvent.parse(event));
    ReportJson.logLines(report, context == null ? null : context.getAwsRequestId()).forEach(log::println);
    log.println(ReportJson.emf(report, metricsNamespace));
    return ReportJson.response(report);
  }
}
