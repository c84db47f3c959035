package io.llmcanary.core.alerts;

import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The rollback page: written for a person woken at 3 a.m. The subject names the application, the rollout and
 * the failing metric; the body says what was done, shows the evidence (the comparison table with sample sizes
 * and thresholds), when it was detected, and the exact commands to inspect or re-run.
 *
 * <p>The alert is composed once, when the regression is detected (only then is the evidence at hand), and
 * kept with the rollout until delivered. What the later rollback steps achieved is only known at delivery, so
 * {@link #withProgress} puts a short status block on top then.
 */
public final class RollbackAlert {

  /** SNS refuses longer subjects; the publisher also enforces it, this keeps ours readable. */
  static final int MAX_SUBJECT = 100;

  private RollbackAlert() {}

  public static Alert compose(RolloutState state, Verdict verdict, JudgeInput input, Guardrails g, Instant detectedAt,
      OperatorCommands commands) {
    return compose(state, verdict, input, g, detectedAt, commands, null);
  }

  /** @param change what the rollout changed (stable vs canary), or null when its config is not at hand */
  public static Alert compose(RolloutState state, Verdict verdict, JudgeInput input, Guardrails g, Instant detectedAt,
      OperatorCommands commands, ChangeReport change) {
    String app = state.application();
    String id = state.rolloutId();
    MetricRow failing = verdict.firstRegression().orElse(null);
    return new Alert(Alert.Kind.ROLLBACK, app, id, subject(app, id, failing), body(state, verdict, input, g,
        detectedAt, failing, commands, change));
  }

  static String subject(String app, String rolloutId, MetricRow failing) {
    String metric = failing == null ? "regression" : failing.metric() + " " + diff(failing);
    String s = "ROLLED BACK " + app + "/" + rolloutId + ": " + metric;
    return s.length() <= MAX_SUBJECT ? s : s.substring(0, MAX_SUBJECT - 3) + "...";
  }

  private static String diff(MetricRow r) {
    if (!Double.isNaN(r.diffPercent())) {
      return String.format(Locale.ROOT, "%+.1f%% vs stable", r.diffPercent());
    }
    return "canary " + num(r.canary()) + " vs stable " + num(r.stable());
  }

  private static String body(RolloutState s, Verdict v, JudgeInput input, Guardrails g, Instant detectedAt,
      MetricRow failing, OperatorCommands commands, ChangeReport change) {
    StringBuilder b = new StringBuilder();
    b.append("The health check found a regression in a canary rollout and rolled it back.\n\n");
    line(b, "Application", s.application());
    line(b, "Rollout", s.rolloutId());
    line(b, "Stage", "was " + RolloutStateMachine.describe(s) + ", since " + s.stageStartedAt() + " ("
        + human(Duration.between(s.stageStartedAt(), detectedAt)) + ")");
    line(b, "Detected at", detectedAt.toString());
    if (failing != null) {
      line(b, "Failing metric", failing.metric() + ": canary " + num(failing.canary()) + " vs stable "
          + num(failing.stable()) + (Double.isNaN(failing.diffPercent()) ? ""
          : String.format(Locale.ROOT, " (%+.1f%%)", failing.diffPercent())));
      line(b, "Threshold", failing.threshold());
      if (failing.detail() != null && !failing.detail().isBlank()) {
        line(b, "Evidence", failing.detail());
      }
    }
    line(b, "Verdict", v.outcome() + ": " + v.reason());
    if (change != null) {
      line(b, "The change", change.oneLine());
    }
    b.append('\n');

    b.append("Comparison, everything since the stage began (").append(window(input.stage())).append("):\n");
    b.append(v.table()).append('\n');
    b.append("Sample sizes\n");
    samples(b, "since stage start", input.stage());
    if (input.recent() != null && !input.recent().equals(input.stage())) {
      samples(b, "last hour", input.recent());
    }
    b.append('\n');
    b.append("Rollback thresholds (guardrails of this rollout)\n");
    b.append(String.format(Locale.ROOT,
        "  quality      canary < %.0f%% of stable%n"
            + "  error rate   canary > %.1fx stable and at least %.2f percentage points higher%n"
            + "  p95 latency  canary > %.0f%% of stable%n"
            + "  cost         canary > %.0f%% of stable%n"
            + "  hard ceiling canary error rate > %.0f%% over at least %d requests%n"
            + "  evidence     false-rollback budget alpha = %.3f per stage; minimum %d requests and %d quality ratings per version%n",
        g.rollbackQualityRatio() * 100, g.rollbackErrorRateRatio(), g.minErrorRateIncrease() * 100,
        g.rollbackLatencyP95Ratio() * 100, g.rollbackCostRatio() * 100, g.hardCeilingErrorRate() * 100,
        g.hardCeilingMinRequests(), g.alpha(), g.minRequests(), g.minQualitySamples()));
    b.append('\n');
    b.append("Inspect\n");
    commands.inspect(s.application(), s.rolloutId()).forEach(c -> b.append("  ").append(c).append('\n'));
    b.append("Re-run the health check for this rollout (also finishes any rollback step still open)\n");
    commands.rerun(s.application(), s.rolloutId()).forEach(c -> b.append("  ").append(c).append('\n'));
    b.append('\n');
    b.append("Users need nothing from you: once the canary is at 0% every user is served the stable version.\n");
    b.append("The rollout is over (ROLLED_BACK is final). To try the change again, fix it and start a new rollout.\n");
    return b.toString();
  }

  /** The alert as delivered: a status block saying what the rollback achieved so far, then the composed body. */
  public static Alert withProgress(Alert alert, List<String> progress) {
    if (progress.isEmpty()) {
      return alert;
    }
    StringBuilder b = new StringBuilder("Status\n");
    for (int i = 0; i < progress.size(); i++) {
      b.append("  ").append(i + 1).append(". ").append(progress.get(i)).append('\n');
    }
    b.append('\n').append(alert.body());
    return new Alert(alert.kind(), alert.application(), alert.rolloutId(), alert.subject(), b.toString());
  }

  private static void samples(StringBuilder b, String label, WindowStats w) {
    b.append(String.format(Locale.ROOT, "  %-18s stable %s; canary %s%n", label, sample(w.stable()),
        sample(w.canary())));
  }

  private static String sample(VersionStats v) {
    return v.requests() + " requests, " + v.errors() + " errors, " + v.qualityCount() + " quality ratings";
  }

  private static String window(WindowStats w) {
    return w.from() + " to " + w.to();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format(Locale.ROOT, "%-15s %s%n", label + ":", value));
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  static String human(Duration d) {
    long m = Math.max(0, d.toMinutes());
    return m >= 60 ? (m / 60) + "h " + (m % 60) + "m" : m + "m";
  }
}
