package io.llmcanary.local.cli;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.proxy.ApiGatewayV2;
import io.llmcanary.proxy.ChatProxyHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code canaryctl invoke chat-proxy EVENT.json}: one handler on one event, like {@code sam local invoke} without
 * Docker. The Lambda response JSON goes to stdout; the function's own log and EMF lines go to stderr, so the
 * output can be piped.
 */
@Command(name = "invoke",
    header = "run one function's handler on one event file and print its response",
    description = """
        invoke chat-proxy EVENT.json: runs the chat-proxy Lambda handler on an API Gateway HTTP API (payload 2.0)
        event, with the offline model and the given rollout config (default: the offline config that ships with
        the proxy), and prints the response the function returns to API Gateway. The function's log lines and EMF
        metric lines go to stderr. Sample events are in events/.

        invoke health-check EVENT.json: runs the health-check Lambda handler on one event
        (events/health-check-scheduled.json checks every active rollout, events/health-check-on-demand.json names
        one) with embedded adapters: the config's rollout is running at its first stage, metrics are read back from
        EMF lines, alerts go to stderr. The handler's response JSON goes to stdout: per rollout the action, the
        verdict, the rollback steps taken and the comparison table.""",
    footer = """

        Examples:
          ./canaryctl invoke chat-proxy events/chat-valid.json
          ./canaryctl invoke health-check events/health-check-scheduled.json --traffic quality-drop""",
    exitCodeList = {"0:invoked (whatever the HTTP status)", "1:the event or a file could not be read",
        "2:usage error"})
public final class InvokeCommand implements Subcommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "FUNCTION", description = "chat-proxy or health-check")
  String function;

  @Parameters(index = "1", arity = "0..1", paramLabel = "EVENT.json", description = "the event file")
  String eventFile;

  @Option(names = "--config", paramLabel = "PATH", description = "rollout config JSON (validated like AppConfig does;"
      + " health-check's default: support-chat / concise-2026-11-26 at 5%%, offline models)")
  String config;

  @Option(names = "--json", description = "accepted for symmetry: the output is always JSON")
  boolean json;

  @ArgGroup(validate = false, heading = "%nchat-proxy options:%n")
  ChatProxyOptions chatProxy;

  /** The options of {@code invoke chat-proxy}. */
  static final class ChatProxyOptions {
    @Option(names = "--feedback-token", paramLabel = "TOKEN", description = "replaces {{feedbackToken}} in the event"
        + " (events/feedback-valid.json); take it from the feedbackToken of a /chat answer")
    String feedbackToken;
  }

  @ArgGroup(validate = false, heading = "%nhealth-check options:%n")
  HealthCheckInvoke.Options healthCheck;

  @Override
  public int run(PrintStream out, PrintStream err) {
    if (function == null || eventFile == null) {
      throw new UsageException("expected a function and an event file, e.g. invoke chat-proxy events/chat-valid.json"
          + " or invoke health-check events/health-check-scheduled.json");
    }
    // health-check: its own invoke target.
    if (function.equals(HealthCheckInvoke.FUNCTION)) {
      if (chatProxy != null) {
        throw new UsageException("--feedback-token is an option of invoke chat-proxy");
      }
      return new HealthCheckInvoke().run(eventFile, config, healthCheck, out, err);
    }
    if (!function.equals("chat-proxy")) {
      throw new UsageException("unknown function '" + function + "'; invoke supports: chat-proxy, health-check");
    }
    if (healthCheck != null) {
      throw new UsageException("--metrics, --traffic, --hours and --at are options of invoke health-check");
    }
    RolloutConfig config = LocalChatProxy.config(this.config, null);
    String event;
    try {
      event = Files.readString(Path.of(eventFile));
    } catch (IOException e) {
      err.println("canaryctl invoke: cannot read " + eventFile + ": " + e.getMessage());
      return FAILED;
    }
    String token = chatProxy == null ? null : chatProxy.feedbackToken;
    if (token != null) {
      event = event.replace("{{feedbackToken}}", token);
    }
    ChatProxyHandler handler = LocalChatProxy.handler(config, err::println);
    try {
      out.println(ApiGatewayV2.writeResponse(handler.handleRequest(ApiGatewayV2.readEvent(event), null)));
    } catch (IOException e) {
      err.println("canaryctl invoke: " + eventFile + " is not an API Gateway HTTP API event: " + e.getMessage());
      return FAILED;
    }
    return OK;
  }
}
