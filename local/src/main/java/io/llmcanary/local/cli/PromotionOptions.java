package io.llmcanary.local.cli;

import io.llmcanary.core.ports.Alert;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the local promotion commands (start, approve, reject, status, history) share: the state directory. */
final class PromotionOptions {

  static final Set<String> FLAGS = Set.of("json");
  static final String STATE_HELP = """
        --state DIR    local state directory (default: $CANARY_STATE_DIR, else .canary-local at the repository
                       root): config.json is the rollout config, state.json the rollouts, their audit trails
                       and the local workflow; ./canaryctl serve --config DIR/config.json serves that config
        --json         machine-readable output on stdout (alerts always go to stderr)
      """;

  private PromotionOptions() {}

  static Path stateDir(Args a) {
    String s = a.option("state", null);
    return s == null ? LocalPromotionState.defaultDirectory() : Path.of(s);
  }

  /** Opens the state, prints alerts raised while the workflow catches up (or later) to {@code err}. */
  static LocalPromotionState open(Args a, Path baseline, PrintStream err) {
    return LocalPromotionState.open(stateDir(a), baseline, Clock.systemUTC(), alert -> RolloutText.printAlert(alert, err));
  }

  static List<String> alertKinds(LocalPromotionState s) {
    List<String> kinds = new ArrayList<>();
    for (Alert alert : s.alerts()) {
      kinds.add(alert.kind().name());
    }
    return kinds;
  }

  static String actor() {
    String user = System.getProperty("user.name");
    return "cli:" + (user == null || user.isBlank() ? "unknown" : user);
  }
}
