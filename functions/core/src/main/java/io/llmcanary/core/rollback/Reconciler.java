package io.llmcanary.core.rollback;

import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Level-triggered safety net, run by every health check (docs/architecture.md#the-fence-and-the-reconciler): the rollout state says how many users may be
 * on the canary; AppConfig's <em>deployed</em> config says how many are. Where more are on it than allowed (a stage
 * deployed after a rollback committed, a crash between steps, a hand edit), deploy the allowed percent at once and
 * page "drift corrected" with what was found. Never raises a share: putting users on a canary is the workflow's
 * job, behind its approval.
 *
 * <p>The deployed config is read before the state. Shares only grow while a rollout runs and a stage is deployed
 * only after the state allows it, so a stage applied between the two reads is allowed by the state read after it:
 * the reconciler never takes a legitimate stage back.
 */
public final class Reconciler {

  /** What the state allows and what was found, as a pure function (the reconciler's table). */
  public sealed interface Decision {
    /** Deployed share within what the state allows; nothing to do. */
    record InSync(String why) implements Decision {}

    /** More users on the canary than allowed: deploy {@code allowed} at once and page. */
    record Correct(double deployed, double allowed, String why) implements Decision {}
  }

  /** What a run did. */
  public sealed interface Result {
    String summary();

    record InSync(String summary) implements Result {}

    record Corrected(String application, String rolloutId, double found, double allowed, String summary)
        implements Result {}

    /**
     * The run could not reconcile. {@code driftFound}: it found more users on a canary than allowed and could not
     * take them off (a failed rollback step, alarmed at once); otherwise it could not read what to compare.
     */
    record Failed(String summary, boolean driftFound) implements Result {}
  }

  public static final String ACTOR = "reconciler";

  private final RolloutStore store;
  private final ConfigPublisher config;
  private final AlertPublisher alerts;
  private final InstantSource clock;

  public Reconciler(RolloutStore store, ConfigPublisher config, AlertPublisher alerts, InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The table: state (none, RUNNING/AWAITING_APPROVAL at stage i, ROLLED_BACK/REJECTED, PROMOTED) × deployed share.
   * A PROMOTED rollout's canary is the new stable, so its share is not drift; whatever promotion still owes is
   * finished as owed work.
   */
  public static Decision decide(RolloutConfig deployed, Optional<RolloutState> state) {
    if (deployed == null) {
      return new Decision.InSync("AppConfig has deployed no config");
    }
    double found = deployed.canaryPercent();
    if (state.isPresent() && state.get().status() == RolloutStatus.PROMOTED) {
      return new Decision.InSync("rollout " + deployed.rolloutId() + " is PROMOTED: its canary is the new stable");
    }
    double allowed = state.map(RolloutState::canaryPercent).orElse(0.0);
    String what = state.map(RolloutStateMachine::describe).map(d -> "rollout " + deployed.rolloutId() + " is " + d)
        .orElse("no rollout " + deployed.rolloutId() + " is in the rollout store");
    if (found <= allowed) {
      return new Decision.InSync(what + "; " + Percent.text(found) + " deployed, " + Percent.text(allowed)
          + " allowed");
    }
    return new Decision.Correct(found, allowed, what + ", which allows " + Percent.text(allowed)
        + ", but AppConfig has deployed " + Percent.text(found) + " on the canary");
  }

  public Result reconcile() {
    RolloutConfig deployed;
    Optional<RolloutState> state;
    try {
      deployed = config.deployedConfig(); // first: see the class comment
      state = deployed == null ? Optional.empty() : store.get(deployed.application(), deployed.rolloutId());
    } catch (RuntimeException e) {
      return new Result.Failed("could not compare the deployed config with the rollout state: "
          + RollbackAction.describe(e), false);
    }
    return switch (decide(deployed, state)) {
      case Decision.InSync in -> new Result.InSync(in.why());
      case Decision.Correct c -> correct(deployed, state, c);
    };
  }

  private Result correct(RolloutConfig deployed, Optional<RolloutState> state, Decision.Correct c) {
    String app = deployed.application();
    String id = deployed.rolloutId();
    try {
      config.publish(deployed.withCanaryPercent(c.allowed()), ConfigPublisher.Speed.IMMEDIATE,
          "llm-canary reconciler: canary of " + id + " back to " + Percent.text(c.allowed()));
    } catch (RuntimeException e) {
      return new Result.Failed("DRIFT: " + c.why() + "; correcting it failed, the next run retries: "
          + RollbackAction.describe(e), true);
    }
    String summary = "drift corrected: " + c.why() + "; deployed " + Percent.text(c.allowed())
        + " with the immediate strategy";
    if (state.isPresent() && state.get().owed().stream().anyMatch(o -> o instanceof OwedStep.ZeroCanary)) {
      // Not drift: the rollback's own canary-0% step failed earlier and is still owed; its page said so already.
      String line = summary + " (the rollback's owed canary 0%, done by the reconciler)";
      appendQuietly(state.get(), line);
      return new Result.Corrected(app, id, c.deployed(), c.allowed(), line);
    }
    Alert alert = alert(app, id, c, state);
    try {
      alerts.publish(alert);
    } catch (RuntimeException e) {
      // Keep the page with the rollout, so the next run delivers it; without a rollout the alarm on the
      // DriftCorrected metric still pages.
      state.ifPresent(s -> keepOwed(s, alert));
      summary += "; the page is still owed: " + RollbackAction.describe(e);
    }
    String line = summary;
    state.ifPresent(s -> appendQuietly(s, line));
    return new Result.Corrected(app, id, c.deployed(), c.allowed(), summary);
  }

  private void appendQuietly(RolloutState s, String line) {
    try {
      store.append(AuditEvent.decision(s, clock.instant(), ACTOR, "DRIFT_CORRECTED", line, null));
    } catch (RuntimeException ignored) {
      // the report and the metric still say it
    }
  }

  private void keepOwed(RolloutState s, Alert alert) {
    try {
      List<OwedStep> owed = new ArrayList<>(s.owed());
      owed.add(new OwedStep.SendAlert(alert));
      store.replace(s.withOwed(owed), s.version());
    } catch (RuntimeException ignored) {
      // best effort; the metric pages too
    }
  }

  static Alert alert(String app, String id, Decision.Correct c, Optional<RolloutState> state) {
    String subject = "[llm-canary] Drift corrected: " + app + "/" + id + " canary " + Percent.text(c.deployed())
        + " -> " + Percent.text(c.allowed());
    String body = "The health check's reconciler compared what the rollout state allows with what AppConfig has"
        + " deployed, and found more users on the canary than allowed:\n  " + c.why() + ".\n"
        + "It deployed " + Percent.text(c.allowed()) + " at once (immediate strategy, stopping any running"
        + " deployment). Every proxy follows within one agent poll interval (45 s by default).\n\n"
        + "This means a step put users on the canary after the rollout said it must not (a stage applied while a"
        + " rollback committed, a crash between two steps, or a change made by hand in AppConfig). Nothing more is"
        + " needed to protect users; look at the history to see how it happened:\n"
        + (state.isPresent() ? "  ./canaryctl history " + id + "\n" : "")
        + "  AppConfig console: the environment's deployments list shows who deployed what.\n";
    return new Alert(Alert.Kind.DRIFT_CORRECTED, app, id, subject, body);
  }
}
