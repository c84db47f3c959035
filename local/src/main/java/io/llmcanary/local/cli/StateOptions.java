package io.llmcanary.local.cli;

import io.llmcanary.local.promotion.LocalPromotionState;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The local state directory the promotion commands share (a picocli mixin). */
public final class StateOptions {

  @Option(names = "--state", paramLabel = "DIR", description = "local state directory (default: $CANARY_STATE_DIR,"
      + " else .canary-local at the repository root): config.json is the rollout config, state.json the rollouts,"
      + " their audit trails and the local workflow; ./canaryctl serve --config DIR/config.json serves that config")
  String state;

  boolean given() {
    return state != null;
  }

  Path dir() {
    return state == null ? LocalPromotionState.defaultDirectory() : Path.of(state);
  }
}
