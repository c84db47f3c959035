package io.llmcanary.local.cli;

import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the promotion commands (start, approve, reject, rollback, status, compare, history) share, a picocli mixin
 * that ends each one's options: where it acts ({@link RolloutOptions}) and --json; and how they open the local state
 * and name the actor.
 */
public final class PromotionOptions {

  @Mixin
  RolloutOptions where;

  @Option(names = "--json", description = "machine-readable output on stdout (alerts always go to stderr)")
  boolean json;

  /** Opens the local state, prints alerts raised while the workflow catches up (or later) to {@code err}. */
  LocalPromotionState open(Path baseline, PrintStream err) {
    return LocalPromotionState.open(where.state.dir(), baseline, Clock.systemUTC(),
        alert -> RolloutText.printAlert(alert, err));
  }

  static String actor() {
    String user = System.getProperty("user.name");
    return "cli:" + (user == null || user.isBlank() ? "unknown" : user);
  }
}
