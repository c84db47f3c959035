package io.llmcanary.local;

import io.llmcanary.local.cli.Args;
import io.llmcanary.local.cli.Command;
import io.llmcanary.local.cli.DecideCommand;
import io.llmcanary.local.cli.DemoCommand;
import io.llmcanary.local.cli.EvaluateCommand;
import io.llmcanary.local.cli.HistoryCommand;
import io.llmcanary.local.cli.InvokeCommand;
import io.llmcanary.local.cli.ServeCommand;
import io.llmcanary.local.cli.SimulateCommand;
import io.llmcanary.local.cli.StartCommand;
import io.llmcanary.local.cli.StatusCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The operator CLI, {@code ./canaryctl} (docs/architecture.md#the-operator-surface). */
public final class CanaryCtl {

  private final Map<String, Command> commands = new LinkedHashMap<>();

  public CanaryCtl() {
    this(null);
  }

  /** With how the rollout commands reach AWS (tests point them at the emulator); null: the SDK's defaults. */
  public CanaryCtl(io.llmcanary.local.cli.RemoteClients remote) {
    // One line per command; keep in the order of `canaryctl --help`.
    register(new DemoCommand());
    register(new SimulateCommand());
    register(new EvaluateCommand());
    register(new ServeCommand());
    register(new InvokeCommand());
    // promotion workflow, on the local state
    // against the deployed stack unless --local, or no stack is configured
    var c = io.llmcanary.local.cli.RemoteClients.orStandard(remote);
    register(c.start());
    register(c.decide("approve"));
    register(c.decide("reject"));
    register(c.decide("rollback"));
    register(c.status());
    register(c.compare());
    register(c.history());
    register(c.replay());
  }

  private void register(Command c) {
    commands.put(c.name(), c);
  }

  public static void main(String[] argv) {
    int code = new CanaryCtl().run(List.of(argv), System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  public int run(List<String> argv, PrintStream out, PrintStream err) {
    if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("-h") || argv.get(0).equals("help")) {
      if (argv.size() > 1 && commands.containsKey(argv.get(1))) {
        out.print(commands.get(argv.get(1)).help());
        return Command.OK;
      }
      out.print(usage());
      return argv.isEmpty() ? Command.USAGE : Command.OK;
    }
    Command c = commands.get(argv.get(0));
    if (c == null) {
      err.println("canaryctl: unknown command '" + argv.get(0) + "'. Commands: " + String.join(", ", commands.keySet())
          + ". Run ./canaryctl --help.");
      return Command.USAGE;
    }
    List<String> rest = new ArrayList<>(argv.subList(1, argv.size()));
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(c.help());
      return Command.OK;
    }
    try {
      return c.run(rest, out, err);
    } catch (Args.UsageException e) {
      err.println("canaryctl " + c.name() + ": " + e.getMessage() + ". Run ./canaryctl " + c.name() + " --help.");
      return Command.USAGE;
    }
  }

  String usage() {
    StringBuilder b = new StringBuilder("""
        canaryctl: safe canary rollouts of LLM prompt and model changes

        Usage: ./canaryctl <command> [options]      (./canaryctl <command> --help for details)

        Commands:
        """);
    commands.values().forEach(c -> b.append(String.format("  %-10s %s%n", c.name(), c.summary())));
    b.append("""

        Every command but serve takes --json for machine-readable output.
        Exit codes: 0 success, 1 refused or failed, 2 usage error.
        """);
    return b.toString();
  }
}
