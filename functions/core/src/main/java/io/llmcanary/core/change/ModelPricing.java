package io.llmcanary.core.change;

import io.llmcanary.core.config.ModelPrice;
import java.util.List;
import java.util.Locale;

/** What the config's {@code pricing} says about a model change: both prices and their ratio, or what is missing. */
public sealed interface ModelPricing {

  /** Both models are priced. Ratios are canary over stable; infinite when stable's price is 0 and canary's is not. */
  record Known(ModelPrice stable, ModelPrice canary) implements ModelPricing {
    public double inputRatio() {
      return ratio(stable.inputPerMTok(), canary.inputPerMTok());
    }

    public double outputRatio() {
      return ratio(stable.outputPerMTok(), canary.outputPerMTok());
    }

    public boolean unchanged() {
      return stable.equals(canary);
    }

    private static double ratio(double s, double c) {
      if (s == c) {
        return 1.0;
      }
      return s == 0 ? Double.POSITIVE_INFINITY : c / s;
    }
  }

  /**
   * A model has no price. The proxy then counts its answers as costing nothing, so the cost row cannot show the
   * change (the config validator refuses such a config for a priced provider; the offline model needs none).
   *
   * @param models the unpriced model ids, canary's first
   */
  record Missing(List<String> models) implements ModelPricing {
    public Missing {
      models = List.copyOf(models);
    }
  }

  /** "price ×5.00 input, ×5.00 output", "price unchanged", or "no price for X in pricing". */
  default String text() {
    return switch (this) {
      case Known k when k.unchanged() -> "price unchanged";
      case Known k when k.inputRatio() == k.outputRatio() -> "price " + times(k.inputRatio());
      case Known k -> "price " + times(k.inputRatio()) + " input, " + times(k.outputRatio()) + " output";
      case Missing m -> "no price for " + String.join(", ", m.models()) + " in pricing";
    };
  }

  static String times(double ratio) {
    return Double.isInfinite(ratio) ? "from free to priced" : String.format(Locale.ROOT, "×%.2f", ratio);
  }
}
