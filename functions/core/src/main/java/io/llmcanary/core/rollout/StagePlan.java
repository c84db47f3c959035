package io.llmcanary.core.rollout;

import java.util.List;

/**
 * The canary percent of each stage, ascending, ending at 100 (5/25/50/100 by default). Reaching the last
 * stage means the canary becomes the new stable.
 */
public record StagePlan(List<Double> percents) {

  public static final StagePlan DEFAULT = new StagePlan(List.of(5.0, 25.0, 50.0, 100.0));

  public StagePlan {
    if (percents == null || percents.isEmpty()) {
      throw new IllegalArgumentException("a stage plan needs at least one stage");
    }
    percents = List.copyOf(percents);
    double prev = 0;
    for (double p : percents) {
      if (!(p > prev && p <= 100)) {
        throw new IllegalArgumentException("stages must rise strictly within (0, 100], got " + percents);
      }
      prev = p;
    }
    if (prev != 100.0) {
      throw new IllegalArgumentException("the last stage must be 100, got " + percents);
    }
  }

  public int size() {
    return percents.size();
  }

  public double percent(int stageIndex) {
    return percents.get(stageIndex);
  }

  public int lastIndex() {
    return percents.size() - 1;
  }

  public boolean isLast(int stageIndex) {
    return stageIndex == lastIndex();
  }
}
