package io.llmcanary.local.cli;

import java.io.PrintStream;

/**
 * One `canaryctl` subcommand: a picocli {@code @Command} class whose {@code @Option} and {@code @Parameters} fields
 * picocli fills in before {@link #run}. Exit codes: 0 success, 1 refused or failed, 2 usage error.
 */
public interface Subcommand {

  int OK = 0;
  int FAILED = 1;
  int USAGE = 2;

  /** Runs on the parsed options; a {@link UsageException} is a usage error (exit 2). */
  int run(PrintStream out, PrintStream err);
}
