package io.llmcanary.local.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Mixin;

/**
 * Where a rollout command acts (a picocli mixin): the deployed stack ({@link StackOptions}) or the local state
 * ({@link StateOptions}), with the {@link Remote.Clients} that reach the stack. Picocli makes it through
 * {@link RemoteClients#factory}, which hands it the clients, so no command needs them passed in.
 */
public final class RolloutOptions {

  private final Remote.Clients clients;

  @Mixin
  StackOptions stack;

  @Mixin
  StateOptions state;

  RolloutOptions(Remote.Clients clients) {
    this.clients = clients;
  }

  Remote.Clients clients() {
    return clients;
  }

  /** The stack this invocation names, or empty for the local state. */
  Optional<String> stackName() {
    return Remote.stackName(stack, state, clients);
  }

  /** The named stack and its API; a stack that cannot be used is printed as a refusal of {@code command} (empty). */
  Optional<Remote.Target> connect(String command, String stackName, PrintStream err) {
    return Remote.connect(command, stackName, stack, clients, err);
  }

  /** Runs {@code onStack} against the named stack; a stack that cannot be used is a refusal (exit 1). */
  int onStack(String command, String stackName, PrintStream err, ToIntFunction<Remote.Target> onStack) {
    return connect(command, stackName, err).map(onStack::applyAsInt).orElse(Subcommand.FAILED);
  }

  /** The one rollout id a command needs (a usage error without it). */
  static String required(String rolloutId, String command) {
    if (rolloutId == null) {
      throw new UsageException("expected one rollout id, e.g. " + command + " concise-2026-11-26");
    }
    return rolloutId;
  }
}
