package io.llmcanary.local.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The named scenarios of docs/architecture.md#the-operator-surface. Each changes only the canary's named quantity. In {@code aa} the canary
 * is identical to stable (A/A) and in {@code healthy} a little better, so any rollback there is a false rollback.
 */
public enum Scenario {
  AA("aa", "canary identical to stable (A/A)", true),
  HEALTHY("healthy", "canary a little better than stable (quality +2%, cost -10%): should climb to 100%", true),
  QUALITY_5("quality-5", "canary quality 5% lower (0.8075)", false),
  QUALITY_10("quality-10", "canary quality 10% lower (0.765)", false),
  QUALITY_15("quality-15", "canary quality 15% lower (0.7225)", false),
  QUALITY_20("quality-20", "canary quality 20% lower (0.68)", false),
  ERRORS_3X("errors-3x", "canary error rate 3x (3%)", false),
  LATENCY_50("latency-50", "canary latency +50%", false),
  COST_50("cost-50", "canary cost +50%", false),
  BROKEN("broken", "canary fails half its requests", false);

  private final String id;
  private final String description;
  private final boolean noRegression;

  Scenario(String id, String description, boolean noRegression) {
    this.id = id;
    this.description = description;
    this.noRegression = noRegression;
  }

  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** True when the canary is as good as stable: a rollback is a false rollback. */
  public boolean noRegression() {
    return noRegression;
  }

  public VersionTruth canary(VersionTruth stable) {
    return switch (this) {
      case AA -> stable;
      case HEALTHY -> stable.withQuality(Math.min(1.0, stable.quality() * 1.02)).withCostFactor(0.9);
      case QUALITY_5 -> stable.withQuality(stable.quality() * 0.95);
      case QUALITY_10 -> stable.withQuality(stable.quality() * 0.90);
      case QUALITY_15 -> stable.withQuality(stable.quality() * 0.85);
      case QUALITY_20 -> stable.withQuality(stable.quality() * 0.80);
      case ERRORS_3X -> stable.withErrorRate(stable.errorRate() * 3);
      case LATENCY_50 -> stable.withLatencyFactor(1.5);
      case COST_50 -> stable.withCostFactor(1.5);
      case BROKEN -> stable.withErrorRate(0.5);
    };
  }

  public static Scenario byId(String id) {
    for (Scenario s : values()) {
      if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + id + "'; choose one of "
        + Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(", ")));
  }
}
