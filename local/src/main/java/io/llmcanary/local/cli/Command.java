package io.llmcanary.local.cli;

import java.io.PrintStream;
import java.util.List;

/** One `canaryctl` subcommand. Exit codes: 0 success, 1 refused or failed, 2 usage error. */
public interface Command {

  int OK = 0;
  int FAILED = 1;
  int USAGE = 2;

  String name();

  /** One line for the command list. */
  String summary();

  /** The full --help text: synopsis, options, examples. */
  String help();

  int run(List<String> args, PrintStream out, PrintStream err);
}
