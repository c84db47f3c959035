package io.llmcanary.codec;

import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rollout as its JSON reads everywhere it is shown: the API's {@code GET /rollouts} and {@code GET
 * /rollouts/{id}}, and {@code canaryctl status --json} / {@code start --json} on local state. One field list, so a
 * script written against one reads the other.
 */
public final class RolloutJson {

  private RolloutJson() {}

  /** The rollout's fields in a fresh, ordered map the caller may add to. */
  public static Map<String, Object> summary(RolloutState st) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("application", st.application());
    out.put("rolloutId", st.rolloutId());
    out.put("status", st.status().name());
    out.put("ended", st.status().isTerminal());
    out.put("description", RolloutStateMachine.describe(st));
    out.put("stage", st.stageIndex() + 1);
    out.put("stages", st.plan().percents());
    out.put("canaryPercent", st.canaryPercent());
    out.put("startedAt", String.valueOf(st.createdAt()));
    out.put("stageStartedAt", String.valueOf(st.stageStartedAt()));
    out.put("updatedAt", String.valueOf(st.updatedAt()));
    return out;
  }
}
