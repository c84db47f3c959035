package io.llmcanary.core.promotion;

import io.llmcanary.core.rollout.Percent;
import static io.llmcanary.core.promotion.RolloutWrites.MAX_RACES;
import static io.llmcanary.core.promotion.RolloutWrites.actor;

import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The start of a rollout (see {@link Promotion#start(StartRequest, ConfigCheck)}), resumable when it stopped halfway. */
final class StartAction {

  private final RolloutWrites w;
  private final PromotionPorts ports;

  StartAction(RolloutWrites writes) {
    this.w = writes;
    this.ports = writes.ports();
  }

  /**
   * Starts a rollout: checks the candidate config (schema and rules), refuses when a rollout is already active for
   * the application, writes the config at the first stage, records the rollout and starts its workflow.
   */
  DecisionResult start(StartRequest r, ConfigCheck check) {
    RolloutConfig current = ports.configs().deployedConfig();
    String rolloutId = r.rolloutId();
    if (current == null) {
      return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, r.application(), rolloutId,
          "cannot start: no rollout config is published yet; publish one with the stable version first");
    }
    String app = r.application() == null || r.application().isBlank() ? current.application() : r.application();
    if (!app.equals(current.application())) {
      return DecisionResult.refused(DecisionResult.Refusal.INVALID_REQUEST, app, rolloutId, "cannot start: this deployment's config serves application '"
          + current.application() + "', not '" + app + "'");
    }
    if (r.canary() == null) {
      return DecisionResult.refused(DecisionResult.Refusal.INVALID_REQUEST, app, rolloutId, "cannot start: no canary version given");
    }
    // An early, friendly answer (also for rollouts stored before the store kept application claims). active() may
    // lag behind the latest writes, so each hit is read again; the atomic create below is what guarantees it.
    Optional<RolloutState> active = ports.store().active().stream().filter(s -> s.application().equals(app))
        .flatMap(s -> ports.store().get(app, s.rolloutId()).stream()).filter(s -> !s.status().isTerminal())
        .findFirst();
    if (active.isPresent() && resumable(active.get(), rolloutId)) {
      return resumeStart(active.get(), current, r, check);
    }
    if (active.isPresent()) {
      return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, app, rolloutId, busy(app, active.get().rolloutId(), active));
    }
    if (current.canaryPercent() > 0 && !current.rolloutId().equals(rolloutId)) {
      return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, app, rolloutId, "cannot start: the published config still sends "
          + Percent.text(current.canaryPercent()) + " of users to the canary of rollout " + current.rolloutId()
          + ", which has no active state; set its canaryPercent to 0 first");
    }
    Optional<RolloutState> existing = rolloutId == null ? Optional.empty() : ports.store().get(app, rolloutId);
    if (existing.isPresent() && resumable(existing.get(), rolloutId)) {
      return resumeStart(existing.get(), current, r, check);
    }
    if (existing.isPresent()) {
      return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, app, rolloutId, "cannot start: a rollout with id " + rolloutId
          + " exists already (" + ports.store().get(app, rolloutId).get().status() + "); choose another id");
    }
    if (current.version(Variant.STABLE).isEmpty()) {
      return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, app, rolloutId, "cannot start: the published config has no stable version");
    }
    RolloutConfig candidate = candidate(current, app, r);
    List<ConfigError> errors = (check == null ? ports.configCheck() : check).check(candidate);
    if (!errors.isEmpty()) {
      StringBuilder b = new StringBuilder("cannot start: the canary version is not valid:");
      errors.forEach(e -> b.append("\n  ").append(e));
      return DecisionResult.refused(DecisionResult.Refusal.INVALID_REQUEST, app, rolloutId, b.toString());
    }
    StagePlan plan = new StagePlan(candidate.stages());
    Instant now = w.now();
    RolloutState state = RolloutState.start(app, rolloutId, plan, now, null);
    switch (ports.store().create(state)) {
      case RolloutStore.CreateResult.Created created -> { }
      case RolloutStore.CreateResult.IdTaken taken -> {
        return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, app, rolloutId, "cannot start: a rollout with id " + rolloutId + " exists already"
            + ports.store().get(app, rolloutId).map(s -> " (" + s.status() + ")").orElse("") + "; choose another id");
      }
      case RolloutStore.CreateResult.ApplicationBusy b -> {
        // Another start won the race (or the early check read a lagging index): name the rollout in the way.
        return DecisionResult.refused(DecisionResult.Refusal.NOT_ALLOWED_NOW, app, rolloutId, busy(app, b.activeRolloutId(),
            ports.store().get(app, b.activeRolloutId())));
      }
    }
    String reason = r.reason() == null || r.reason().isBlank() ? "canary " + r.canary().model() : r.reason();
    // The audit trail says what the rollout changes, so whoever approves a stage later sees what they approve.
    ChangeReport change = ChangeReport.of(candidate).orElse(null);
    ports.store().append(AuditEvent.decision(state, now, actor(r.actor()), "STARTED",
        change == null ? reason : reason + " (" + change.oneLine() + ")", change == null ? null : change.render()));
    return publishAndStartWorkflow(state, candidate, r);
  }

  /**
   * The steps of a start after the rollout (and its claim) is stored: the config at the first stage, then the
   * workflow. Both are safe to repeat, so a start that failed or died here is finished by the same start again
   * ({@link #resumable}); a failure says so, and says how to give the application back instead.
   */
  private DecisionResult publishAndStartWorkflow(RolloutState state, RolloutConfig candidate, StartRequest r) {
    String app = state.application();
    String rolloutId = state.rolloutId();
    String executionArn;
    try {
      ports.configs().publish(candidate, Speed.PLANNED, "start rollout " + rolloutId + " at "
          + Percent.text(candidate.canaryPercent()));
      // The same fence as ApplyStage's: a rollback (a regression on the first requests) may have committed while the
      // first stage deployed; then that stage is not allowed any more.
      RolloutState after = w.load(app, rolloutId);
      if (after.status().isTerminal()) {
        String line = w.rollback().zeroCanary(after, "llm-canary: rollout " + rolloutId + " ended while it started");
        ports.store().append(AuditEvent.decision(after, w.now(), Promotion.WORKFLOW_ACTOR, "STAGE_FENCED",
            "the rollout ended (" + after.status() + ") while its first stage was deployed: " + line, null));
        return DecisionResult.refused(after, "rollout " + rolloutId + " ended (" + after.status() + ": "
            + after.reason() + ") while it started; its canary is at 0%");
      }
      executionArn = Objects.requireNonNull(ports.starter(), "no workflow starter").start(app, rolloutId);
    } catch (RuntimeException e) {
      return DecisionResult.refused(w.load(app, rolloutId), "start of rollout " + rolloutId + " did not complete: "
          + e.getMessage() + ". The rollout holds application " + app + " and is watched by the health check (its"
          + " canary, if deployed, is rolled back on a regression). Run the same start again: it resumes where this"
          + " one stopped. Or give the application back: ./canaryctl rollback " + rolloutId + " --reason 'start failed'");
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = w.load(app, rolloutId);
      if (s.executionArn() != null || ports.store().replace(s.withExecutionArn(executionArn), s.version())) {
        break;
      }
    }
    RolloutState started = w.load(app, rolloutId);
    return DecisionResult.applied(started, "started rollout " + rolloutId + " of " + app + ": "
        + Percent.text(candidate.canaryPercent()) + " of users on the canary (" + r.canary().model() + "), stages "
        + PromotionAlerts.stagesText(started.plan()) + ". Workflow: " + executionArn + ".");
  }

  /** A rollout this start created but did not finish starting: still at its first stage, no workflow recorded. */
  static boolean resumable(RolloutState s, String rolloutId) {
    return s.rolloutId().equals(rolloutId) && s.status() == RolloutStatus.RUNNING && s.stageIndex() == 0
        && s.executionArn() == null;
  }

  private DecisionResult resumeStart(RolloutState s, RolloutConfig current, StartRequest r, ConfigCheck check) {
    RolloutConfig candidate = current.rolloutId().equals(s.rolloutId()) ? current
        : candidate(current, s.application(), r);
    List<ConfigError> errors = (check == null ? ports.configCheck() : check).check(candidate);
    if (!errors.isEmpty()) {
      return DecisionResult.refused(s, "cannot resume the start of " + s.rolloutId() + ": " + errors);
    }
    candidate = candidate.withCanaryPercent(s.plan().percent(0));
    ports.store().append(AuditEvent.decision(s, w.now(), actor(r.actor()), "START_RESUMED",
        "the start did not complete before; resumed", null));
    return publishAndStartWorkflow(s, candidate, r);
  }

  /** The config of a new rollout: the deployed stable, the request's canary at the first stage. */
  static RolloutConfig candidate(RolloutConfig current, String app, StartRequest r) {
    VersionSpec stable = current.version(Variant.STABLE).orElseThrow();
    Map<String, ModelPrice> pricing = new LinkedHashMap<>(current.pricing());
    pricing.putAll(r.pricing());
    List<Double> stages = r.stages() != null ? r.stages() : current.stages();
    double first = stages.isEmpty() ? 0 : stages.get(0);
    return new RolloutConfig(RolloutConfig.SCHEMA_VERSION, app, r.rolloutId(), first, null,
        Map.of(Variant.STABLE.wireName(), stable, Variant.CANARY.wireName(), r.canary()), pricing,
        current.guardrails(), stages, current.fallbackToStable());
  }

  /** The refusal of a start while another rollout of the application is active. */
  static String busy(String app, String activeRolloutId, Optional<RolloutState> active) {
    if (active.isPresent() && active.get().status().isTerminal()) {
      return "cannot start: rollout " + activeRolloutId + " of application " + app + " ended ("
          + active.get().status() + ") while this start ran; start again";
    }
    return "cannot start: rollout " + activeRolloutId + " is already active for application " + app
        + active.map(a -> " (" + RolloutStateMachine.describe(a) + ")").orElse("")
        + ". One rollout at a time: let it finish, reject it or roll it back first";
  }
}
