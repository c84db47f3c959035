package io.llmcanary.local.cli;

import io.llmcanary.core.ports.Alert;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** What the local promotion commands (start, approve, reject, status, history) share: opening the state of {@link StateOptions}. */
final class PromotionOptions {

  private PromotionOptions() {}

  /** Opens the state, prints alerts raised while the workflow catches up (or later) to {@code err}. */
  static LocalPromotionState open(StateOptions a, Path baseline, PrintStream err) {
    return LocalPromotionState.open(a.dir(), baseline, Clock.systemUTC(), alert -> RolloutText.printAlert(alert, err));
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
