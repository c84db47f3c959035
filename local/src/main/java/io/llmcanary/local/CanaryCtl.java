package io.llmcanary.local;

import io.llmcanary.local.cli.CompareCommand;
import io.llmcanary.local.cli.DecideCommand;
import io.llmcanary.local.cli.DemoCommand;
import io.llmcanary.local.cli.EvaluateCommand;
import io.llmcanary.local.cli.HistoryCommand;
import io.llmcanary.local.cli.InvokeCommand;
import io.llmcanary.local.cli.RemoteClients;
import io.llmcanary.local.cli.ReplayCommand;
import io.llmcanary.local.cli.ServeCommand;
import io.llmcanary.local.cli.SimulateCommand;
import io.llmcanary.local.cli.StartCommand;
import io.llmcanary.local.cli.StatusCommand;
import io.llmcanary.local.cli.Style;
import io.llmcanary.local.cli.Subcommand;
import io.llmcanary.local.cli.UsageException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The operator CLI, {@code ./canaryctl} (docs/architecture.md#the-operator-surface): picocli parses the arguments into the command's
 * {@code @Option} fields and writes every --help; the command then runs. Exit codes: 0 success, 1 refused or failed
 * (the command's answer), 2 usage error (picocli's parameter errors, and the commands' {@link UsageException}s).
 */
public final class CanaryCtl {

  /** The help's width: the descriptions are wrapped for it. */
  static final int HELP_WIDTH = 116;

  /** The top-level command: only the command list and --help. */
  @Command(name = "canaryctl",
      header = "canaryctl: safe canary rollouts of LLM prompt and model changes",
      synopsisSubcommandLabel = "<command>",
      customSynopsis = "./canaryctl <command> [options]      (./canaryctl <command> --help for details)",
      footer = {"", "Every command but serve takes --json for machine-readable output."},
      exitCodeList = {"0:success", "1:refused or failed", "2:usage error"})
  static final class Top {}

  private final RemoteClients remote;

  public CanaryCtl() {
    this(null);
  }

  /** With how the rollout commands reach AWS (tests point them at the emulator); null: the SDK's defaults. */
  public CanaryCtl(RemoteClients remote) {
    this.remote = remote;
  }

  /** The whole command tree, each command a fresh object for picocli to fill in. */
  public static CommandLine commandLine(RemoteClients remote) {
    CommandLine cl = new CommandLine(new Top(), RemoteClients.orStandard(remote).factory());
    // One line per command; keep in the order of `canaryctl --help`.
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new SimulateCommand());
    cl.addSubcommand(new EvaluateCommand());
    cl.addSubcommand(new ServeCommand());
    cl.addSubcommand(new InvokeCommand());
    // promotion workflow, on the local state
    // against the deployed stack unless --local, or no stack is configured
    cl.addSubcommand(new StartCommand());
    cl.addSubcommand(new DecideCommand.Approve());
    cl.addSubcommand(new DecideCommand.Reject());
    cl.addSubcommand(new DecideCommand.Rollback());
    cl.addSubcommand(new StatusCommand());
    cl.addSubcommand(new CompareCommand());
    cl.addSubcommand(new HistoryCommand());
    cl.addSubcommand(new ReplayCommand());
    cl.addSubcommand(new CommandLine.HelpCommand());
    layout(cl);
    // As the hand-written parser did: the last of a repeated option wins.
    cl.setOverwrittenOptionsAllowed(true);
    cl.setUsageHelpWidth(HELP_WIDTH);
    // The usage lines name the command as it is run (CompletionScript names it canaryctl for the shell).
    cl.getCommandSpec().name("./canaryctl");
    return cl;
  }

  /** The same headings and a -h/--help on every command. */
  private static void layout(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    if (!(cl.getCommand() instanceof CommandLine.HelpCommand)) {
      spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
    }
    // Every error of the parse, to report the most telling one (firstError).
    spec.parser().collectErrors(true);
    UsageMessageSpec u = spec.usageMessage();
    if (cl.getCommand() instanceof CommandLine.HelpCommand) {
      u.header("show a command's help: ./canaryctl help COMMAND is ./canaryctl COMMAND --help");
    }
    u.sortOptions(false).sortSynopsis(false).abbreviateSynopsis(false).headerHeading("").synopsisHeading("%nUsage: ")
        .descriptionHeading(u.description().length == 0 ? "" : "%n").parameterListHeading("%nArguments:%n").optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n").exitCodeListHeading("%nExit codes:%n").footerHeading("");
    cl.getSubcommands().values().forEach(CanaryCtl::layout);
  }

  public static void main(String[] argv) {
    int code = new CanaryCtl().run(List.of(argv), System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  public int run(List<String> argv, PrintStream out, PrintStream err) {
    CommandLine cl = commandLine(remote);
    Charset cs = out.charset();
    PrintWriter helpOut = new PrintWriter(new java.io.OutputStreamWriter(out, cs), true);
    cl.setOut(helpOut);
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, err.charset()), true));
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(
        Style.detect().colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
    if (argv.isEmpty()) {
      cl.usage(helpOut);
      helpOut.flush();
      return Subcommand.USAGE;
    }
    ParseResult parsed;
    Integer help;
    try {
      parsed = cl.parseArgs(argv.toArray(String[]::new));
      firstError(parsed).ifPresent(e -> {
        throw e;
      });
      help = CommandLine.executeHelpRequest(parsed); // ./canaryctl help NOPE is a usage error too
    } catch (ParameterException e) {
      return usageError(e, err);
    }
    if (help != null) {
      helpOut.flush();
      return help;
    }
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    if (!(leaf.commandSpec().userObject() instanceof Subcommand command)) {
      cl.usage(helpOut);
      helpOut.flush();
      return Subcommand.USAGE;
    }
    String name = leaf.commandSpec().name();
    try {
      return command.run(out, err);
    } catch (UsageException e) {
      err.println("canaryctl " + name + ": " + e.getMessage() + ". Run ./canaryctl " + name + " --help.");
      return Subcommand.USAGE;
    }
  }

  /**
   * The error to report of those the parse collected: an unknown option or argument first (a typo explains the
   * rest, e.g. a required option then missing), else the first one.
   */
  private static java.util.Optional<ParameterException> firstError(ParseResult parsed) {
    List<Exception> errors = new java.util.ArrayList<>();
    for (ParseResult r = parsed; r != null; r = r.hasSubcommand() ? r.subcommand() : null) {
      errors.addAll(r.errors());
    }
    return errors.stream().filter(e -> e instanceof UnmatchedArgumentException)
        .findFirst().or(() -> errors.stream().findFirst())
        .map(e -> e instanceof ParameterException p ? p
            : new ParameterException(parsed.commandSpec().commandLine(), e.getMessage(), e));
  }

  /** A parameter error as a one-line usage error naming what was wrong; exit 2. */
  private static int usageError(ParameterException e, PrintStream err) {
    CommandLine where = e.getCommandLine();
    boolean top = where.getParent() == null;
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (top && !first.startsWith("-")) {
        err.println("canaryctl: unknown command '" + first + "'. Commands: "
            + String.join(", ", where.getSubcommands().keySet()) + ". Run ./canaryctl --help.");
        return Subcommand.USAGE;
      }
      if (first.startsWith("-")) {
        String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
        List<String> similar = u.getSuggestions();
        message = "unknown option " + option
            + (similar.isEmpty() ? "" : " (did you mean " + String.join(" or ", similar) + "?)");
      } else {
        message = "unexpected argument '" + first + "'";
      }
    } else if (message != null && !message.isEmpty()) {
      message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }
    if (message != null && message.endsWith(".")) {
      message = message.substring(0, message.length() - 1);
    }
    String name = top ? "" : " " + where.getCommandSpec().name();
    err.println("canaryctl" + name + ": " + message + ". Run ./canaryctl" + name + " --help.");
    return Subcommand.USAGE;
  }
}
