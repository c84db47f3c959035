package io.llmcanary.local.cli;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.proxy.ApiGatewayV2;
import io.llmcanary.proxy.ChatProxyHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code canaryctl invoke chat-proxy EVENT.json}: one handler on one event, like {@code sam local invoke} without
 * Docker. The Lambda response JSON goes to stdout; the function's own log and EMF lines go to stderr, so the
 * output can be piped.
 */
public final class InvokeCommand implements Command {

  @Override
  public String name() {
    return "invoke";
  }

  @Override
  public String summary() {
    return "run one function's handler on one event file and print its response";
  }

  @Override
  public String help() {
    return """
        Usage: ./canaryctl invoke chat-proxy EVENT.json [--config rollout.json] [--feedback-token TOKEN] [--json]

        Runs the chat-proxy Lambda handler on an API Gateway HTTP API (payload 2.0) event, with the offline
        model and the given rollout config (default: the offline config that ships with the proxy), and prints
        the response the function returns to API Gateway. The function's log lines and EMF metric lines go to
        stderr. Sample events are in events/.

        Options:
          --config PATH          rollout config JSON (validated like AppConfig does)
          --feedback-token TOKEN replaces {{feedbackToken}} in the event (events/feedback-valid.json); take it
                                 from the feedbackToken of a /chat answer
          --json                 the response as JSON (it always is; accepted for symmetry)

        Example:
          ./canaryctl invoke chat-proxy events/chat-valid.json
        Exit codes: 0 invoked (whatever the HTTP status), 1 the event could not be read, 2 usage error.
        """ + "\n" + HealthCheckInvoke.HELP; // health-check
  }

  @Override
  public int run(List<String> argv, PrintStream out, PrintStream err) {
    // health-check: its own invoke target.
    if (!argv.isEmpty() && argv.get(0).equals(HealthCheckInvoke.FUNCTION)) {
      return new HealthCheckInvoke().run(argv, out, err);
    }
    Args a = Args.parse(argv, Set.of("json"), Set.of("config", "feedback-token"));
    List<String> pos = a.positionals();
    if (pos.size() != 2) {
      throw new Args.UsageException("expected a function and an event file, e.g. invoke chat-proxy events/chat-valid.json");
    }
    if (!pos.get(0).equals("chat-proxy")) {
      throw new Args.UsageException("unknown function '" + pos.get(0) + "'; invoke supports: chat-proxy, health-check");
    }
    RolloutConfig config = LocalChatProxy.config(a.option("config", null), null);
    String event;
    try {
      event = Files.readString(Path.of(pos.get(1)));
    } catch (IOException e) {
      err.println("canaryctl invoke: cannot read " + pos.get(1) + ": " + e.getMessage());
      return FAILED;
    }
    String token = a.option("feedback-token", null);
    if (token != null) {
      event = event.replace("{{feedbackToken}}", token);
    }
    ChatProxyHandler handler = LocalChatProxy.handler(config, err::println);
    try {
      out.println(ApiGatewayV2.writeResponse(handler.handleRequest(ApiGatewayV2.readEvent(event), null)));
    } catch (IOException e) {
      err.println("canaryctl invoke: " + pos.get(1) + " is not an API Gateway HTTP API event: " + e.getMessage());
      return FAILED;
    }
    return OK;
  }
}
