package io.llmcanary.core.promotion;

import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.ModelPrice;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher.AlertDeliveryException;
import io.llmcanary.core.ports.ApprovalGateway.StaleTaskTokenException;
import io.llmcanary.core.ports.ConfigPublisher.Speed;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.PromotionRequest.ExpireApproval;
import io.llmcanary.core.promotion.PromotionRequest.Finalize;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.promotion.PromotionRequest.ReportFailure;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The promotion workflow's logic (DESIGN.md §2, §7): one method per action of the promotion function, over the
 * ports and the rollout state machine. The Lambda handler, the local CLI, {@link InProcessWorkflow} and the
 * simulator all call these same methods.
 *
 * <p>Every action is safe to repeat (the workflow retries a failed Lambda call): it reads the rollout, decides
 * from what it finds, and writes with a conditional write on the version it read; when another writer (the
 * health check, a second approver) got there first it reads again and decides again. Side effects on
 * AppConfig are "make it so": the config is published only when it differs from what the stage needs.
 *
 * <p>Workflow actions answer a {@link StepResult} whose {@link Next} the state machine routes on; situations
 * that cannot arise in a correct run (a stage the workflow did not expect) throw, which the workflow catches
 * into its Failed path. Person-facing actions ({@link #decide}, {@link #start}) never throw for a refusal: they
 * answer a {@link DecisionResult} whose message says why and what to do instead.
 */
public final class Promotion {

  /** Error names the approval task fails with (SendTaskFailure); the state machine catches them by name. */
  public static final String ERROR_ROLLED_BACK = RollbackAction.ERROR_ROLLED_BACK;
  public static final String ERROR_REJECTED = RollbackAction.ERROR_REJECTED;
  public static final String ERROR_FAILED = "Failed";

  /** The actor of the workflow's own moves in the audit trail. */
  public static final String WORKFLOW_ACTOR = "promotion-workflow";
  static final String GATE_ACTOR = "promotion-gate";
  static final String GATE_EVENT = "GATE";

  /** Lost races before an action gives up (each loss means another writer moved the rollout meanwhile). */
  private static final int MAX_RACES = 8;

  private final PromotionPorts ports;
  private final ApprovalChannels channels;
  private final RollbackAction rollback;

  public Promotion(PromotionPorts ports, ApprovalChannels channels) {
    this.ports = Objects.requireNonNull(ports, "ports");
    this.channels = channels == null ? ApprovalChannels.LOCAL : channels;
    this.rollback = new RollbackAction(ports.store(), ports.configs(), ports.alerts(), ports.approvals(), ports.clock());
  }

  public PromotionPorts ports() {
    return ports;
  }

  // ---------------------------------------------------------------------------------------------- start

  /**
   * Starts a rollout: checks the candidate config (schema and rules), refuses when a rollout is already active for
   * the application, writes the config at the first stage, records the rollout and starts its workflow.
   */
  public DecisionResult start(StartRequest r) {
    return start(r, ports.configCheck());
  }

  /** {@link #start(StartRequest)} with the check of this request's candidate (the schema on the raw document). */
  public DecisionResult start(StartRequest r, ConfigCheck check) {
    RolloutConfig current = ports.configs().deployedConfig();
    String rolloutId = r.rolloutId();
    if (current == null) {
      return DecisionResult.refused(r.application(), rolloutId,
          "cannot start: no rollout config is published yet; publish one with the stable version first");
    }
    String app = r.application() == null || r.application().isBlank() ? current.application() : r.application();
    if (!app.equals(current.application())) {
      return DecisionResult.refused(app, rolloutId, "cannot start: this deployment's config serves application '"
          + current.application() + "', not '" + app + "'");
    }
    if (r.canary() == null) {
      return DecisionResult.refused(app, rolloutId, "cannot start: no canary version given");
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
      return DecisionResult.refused(app, rolloutId, busy(app, active.get().rolloutId(), active));
    }
    if (current.canaryPercent() > 0 && !current.rolloutId().equals(rolloutId)) {
      return DecisionResult.refused(app, rolloutId, "cannot start: the published config still sends "
          + Texts.pct(current.canaryPercent()) + " of users to the canary of rollout " + current.rolloutId()
          + ", which has no active state; set its canaryPercent to 0 first");
    }
    Optional<RolloutState> existing = rolloutId == null ? Optional.empty() : ports.store().get(app, rolloutId);
    if (existing.isPresent() && resumable(existing.get(), rolloutId)) {
      return resumeStart(existing.get(), current, r, check);
    }
    if (existing.isPresent()) {
      return DecisionResult.refused(app, rolloutId, "cannot start: a rollout with id " + rolloutId
          + " exists already (" + ports.store().get(app, rolloutId).get().status() + "); choose another id");
    }
    if (current.version(Variant.STABLE).isEmpty()) {
      return DecisionResult.refused(app, rolloutId, "cannot start: the published config has no stable version");
    }
    RolloutConfig candidate = candidate(current, app, r);
    List<ConfigError> errors = (check == null ? ports.configCheck() : check).check(candidate);
    if (!errors.isEmpty()) {
      StringBuilder b = new StringBuilder("cannot start: the canary version is not valid:");
      errors.forEach(e -> b.append("\n  ").append(e));
      return DecisionResult.refused(app, rolloutId, b.toString());
    }
    double first = candidate.canaryPercent();
    StagePlan plan = new StagePlan(candidate.stages());
    Instant now = now();
    RolloutState state = RolloutState.start(app, rolloutId, plan, now, null);
    switch (ports.store().create(state)) {
      case RolloutStore.CreateResult.Created created -> { }
      case RolloutStore.CreateResult.IdTaken taken -> {
        return DecisionResult.refused(app, rolloutId, "cannot start: a rollout with id " + rolloutId + " exists already"
            + ports.store().get(app, rolloutId).map(s -> " (" + s.status() + ")").orElse("") + "; choose another id");
      }
      case RolloutStore.CreateResult.ApplicationBusy b -> {
        // Another start won the race (or the early check read a lagging index): name the rollout in the way.
        return DecisionResult.refused(app, rolloutId, busy(app, b.activeRolloutId(),
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
          + Texts.pct(candidate.canaryPercent()));
      // The same fence as ApplyStage's: a rollback (a regression on the first requests) may have committed while the
      // first stage deployed; then that stage is not allowed any more.
      RolloutState after = load(app, rolloutId);
      if (after.status().isTerminal()) {
        String line = rollback.zeroCanary(after, "llm-canary: rollout " + rolloutId + " ended while it started");
        ports.store().append(AuditEvent.decision(after, now(), WORKFLOW_ACTOR, "STAGE_FENCED",
            "the rollout ended (" + after.status() + ") while its first stage was deployed: " + line, null));
        return DecisionResult.refused(after, "rollout " + rolloutId + " ended (" + after.status() + ": "
            + after.reason() + ") while it started; its canary is at 0%");
      }
      executionArn = Objects.requireNonNull(ports.starter(), "no workflow starter").start(app, rolloutId);
    } catch (RuntimeException e) {
      return DecisionResult.refused(load(app, rolloutId), "start of rollout " + rolloutId + " did not complete: "
          + e.getMessage() + ". The rollout holds application " + app + " and is watched by the health check (its"
          + " canary, if deployed, is rolled back on a regression). Run the same start again: it resumes where this"
          + " one stopped. Or give the application back: ./canaryctl rollback " + rolloutId + " --reason 'start failed'");
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = load(app, rolloutId);
      if (s.executionArn() != null || ports.store().replace(s.withExecutionArn(executionArn), s.version())) {
        break;
      }
    }
    RolloutState started = load(app, rolloutId);
    return DecisionResult.applied(started, "started rollout " + rolloutId + " of " + app + ": "
        + Texts.pct(candidate.canaryPercent()) + " of users on the canary (" + r.canary().model() + "), stages "
        + stagesText(started.plan()) + ". Workflow: " + executionArn + ".");
  }

  /** A rollout this start created but did not finish starting: still at its first stage, no workflow recorded. */
  private static boolean resumable(RolloutState s, String rolloutId) {
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
    ports.store().append(AuditEvent.decision(s, now(), actor(r.actor()), "START_RESUMED",
        "the start did not complete before; resumed", null));
    return publishAndStartWorkflow(s, candidate, r);
  }

  /** The config of a new rollout: the deployed stable, the request's canary at the first stage. */
  private static RolloutConfig candidate(RolloutConfig current, String app, StartRequest r) {
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
  private static String busy(String app, String activeRolloutId, Optional<RolloutState> active) {
    if (active.isPresent() && active.get().status().isTerminal()) {
      return "cannot start: rollout " + activeRolloutId + " of application " + app + " ended ("
          + active.get().status() + ") while this start ran; start again";
    }
    return "cannot start: rollout " + activeRolloutId + " is already active for application " + app
        + active.map(a -> " (" + RolloutStateMachine.describe(a) + ")").orElse("")
        + ". One rollout at a time: let it finish, reject it or roll it back first";
  }

  // ----------------------------------------------------------------------------------------- apply-stage

  /** Puts the rollout's current stage into effect (see {@link ApplyStage}). */
  public StepResult applyStage(ApplyStage r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = settle(load(r.application(), r.rolloutId()));
      switch (s.status()) {
        case ROLLED_BACK -> {
          return StepResult.of(s, Next.ROLLED_BACK, 0, "rolled back: " + Texts.orEmpty(s.reason()));
        }
        case REJECTED -> {
          return StepResult.of(s, Next.REJECTED, 0, "rejected: " + Texts.orEmpty(s.reason()));
        }
        case PROMOTED -> {
          return StepResult.of(s, Next.PROMOTED, 0, "already promoted");
        }
        case AWAITING_APPROVAL -> {
          Approval a = r.approval();
          if (a == null && r.resume()) {
            // A resumed execution finds the stage waiting: ask again (the new task's token replaces the old one).
            takeOver(s, r.executionArn());
            return StepResult.of(s, Next.REQUEST_APPROVAL, 0, "resumed: stage " + (s.stageIndex() + 1)
                + " waits for approval; asking again");
          }
          if (a == null || !Approval.APPROVE.equals(a.decision()) || a.fromStage() != s.stageIndex()) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s)
                + "; apply-stage moves it on only with the approval of that stage, got " + a);
          }
          // The decider completed the task but has not written the state (yet, or it died): write it here.
          commit(s, new RolloutCommand.Approve(actor(a.actor()), approvalReason(a)), null, List.of());
          continue;
        }
        case RUNNING -> {
          Approval a = r.approval();
          if (a != null && s.stageIndex() != a.toStage()) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s)
                + " but the approval moved it to stage " + (a.toStage() + 1));
          }
          if (r.executionArn() != null && !r.executionArn().equals(s.executionArn())) {
            if (s.executionArn() != null && s.executionArn().startsWith("arn:") && !r.resume()) {
              throw new IllegalStateException("rollout " + s.rolloutId() + " is driven by workflow execution "
                  + s.executionArn() + ", not " + r.executionArn() + "; stop one of them, or start the new one with"
                  + " \"resume\": true to let it take over");
            }
            takeOver(s, r.executionArn());
            continue;
          }
          if (s.plan().isLast(s.stageIndex())) {
            return StepResult.of(s, Next.FINALIZE, 0, "last stage reached: promote the canary");
          }
          double percent = s.plan().percent(s.stageIndex());
          RolloutConfig c = configOf(s);
          if (c.canaryPercent() != percent) {
            ports.configs().publish(c.withCanaryPercent(percent), Speed.PLANNED,
                "rollout " + s.rolloutId() + " stage " + (s.stageIndex() + 1) + " of " + s.plan().size() + ": "
                    + Texts.pct(percent));
            ports.store().append(AuditEvent.decision(s, now(), WORKFLOW_ACTOR, "STAGE_APPLIED",
                "canary at " + Texts.pct(percent) + " (was " + Texts.pct(c.canaryPercent()) + ")", null));
            // The fence: a rollback may have committed while this deployed. If the rollout ended meanwhile, the
            // share just deployed is not allowed any more: take it back at once.
            RolloutState after = load(s.application(), s.rolloutId());
            if (after.status().isTerminal()) {
              String line = rollback.zeroCanary(after, "llm-canary: rollout " + s.rolloutId() + " ended while stage "
                  + (s.stageIndex() + 1) + " was applied");
              ports.store().append(AuditEvent.decision(after, now(), WORKFLOW_ACTOR, "STAGE_FENCED",
                  "the rollout ended (" + after.status() + ") while stage " + (s.stageIndex() + 1) + " was applied: "
                      + line, null));
              continue;
            }
          }
          return StepResult.of(s, Next.WAIT, 0, "stage " + (s.stageIndex() + 1) + " of " + s.plan().size() + ": "
              + Texts.pct(percent) + " of users on the canary");
        }
        default -> throw new IllegalStateException("unknown status " + s.status());
      }
    }
    throw racing(r.rolloutId());
  }

  // ------------------------------------------------------------------------------------------------ gate

  /** The end-of-stage gate: judges everything since the stage began (see {@link Gate}). */
  public StepResult gate(Gate r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = settle(load(r.application(), r.rolloutId()));
      Optional<StepResult> ended = ended(s, r.inconclusiveWaits());
      if (ended.isPresent()) {
        return ended.get();
      }
      if (s.status() != RolloutStatus.RUNNING || s.stageIndex() != r.stageIndex()) {
        throw new IllegalStateException("gate of stage " + (r.stageIndex() + 1) + " asked, but rollout "
            + s.rolloutId() + " is " + RolloutStateMachine.describe(s));
      }
      RolloutConfig c = configOf(s);
      Instant now = now();
      JudgeInput input = Objects.requireNonNull(ports.metrics(), "no metrics query")
          .fetch(s.application(), s.rolloutId(), s.stageStartedAt(), now);
      Verdict v = Objects.requireNonNull(ports.policy(), "no canary policy").promotionGate(input, c.guardrails());
      String line = v.outcome() + ": " + v.reason();
      ports.store().append(AuditEvent.decision(s, now, GATE_ACTOR, GATE_EVENT, line, v.table()));
      switch (v.outcome()) {
        case REGRESSION -> {
          int stage = s.stageIndex();
          RollbackAction.Result stopped = rollback.stop(s.application(), s.rolloutId(), new RollbackAction.Stop(
              new RolloutCommand.RollBack(GATE_ACTOR, "promotion gate found a regression: " + v.reason()), v.table(),
              now2 -> now2.status() == RolloutStatus.RUNNING && now2.stageIndex() == stage ? Optional.empty()
                  : Optional.of("the rollout moved on (" + RolloutStateMachine.describe(now2) + ")"),
              before -> PromotionAlerts.rolledBack(before, GATE_ACTOR, "promotion gate found a regression: "
                  + v.reason(), v.table())));
          if (stopped instanceof RollbackAction.Result.Stopped st) {
            return StepResult.of(st.state(), Next.ROLLED_BACK, r.inconclusiveWaits(), line)
                .withVerdict(v.outcome().name(), v.table());
          }
          continue; // another writer moved the rollout meanwhile: look again
        }
        case INCONCLUSIVE -> {
          if (r.inconclusiveWaits() < r.maxInconclusiveWaits()) {
            int waits = r.inconclusiveWaits() + 1;
            return StepResult.of(s, Next.WAIT_AGAIN, waits, line + " (extra wait " + waits + " of "
                + r.maxInconclusiveWaits() + ")").withVerdict(v.outcome().name(), v.table());
          }
          return StepResult.of(s, Next.REQUEST_APPROVAL, r.inconclusiveWaits(), line + " (still inconclusive after "
              + r.inconclusiveWaits() + " extra waits: a person decides)").withVerdict(v.outcome().name(), v.table());
        }
        case HEALTHY -> {
          return StepResult.of(s, Next.REQUEST_APPROVAL, r.inconclusiveWaits(), line)
              .withVerdict(v.outcome().name(), v.table());
        }
        default -> throw new IllegalStateException("unknown outcome " + v.outcome());
      }
    }
    throw racing(r.rolloutId());
  }

  // ------------------------------------------------------------------------------------ request-approval

  /**
   * Stores the waiting task's token with the rollout and sends the "approval needed" alert. When the rollout has
   * ended meanwhile, completes the task at once with the error that names why, so the workflow ends there.
   */
  public StepResult requestApproval(RequestApproval r) {
    if (r.taskToken() == null || r.taskToken().isBlank()) {
      throw new IllegalArgumentException("request-approval needs the task token ($$.Task.Token)");
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = settle(load(r.application(), r.rolloutId()));
      switch (s.status()) {
        case ROLLED_BACK -> {
          failTask(r.taskToken(), ERROR_ROLLED_BACK, "rollout " + s.rolloutId() + " was rolled back: " + s.reason());
          return StepResult.of(s, Next.ROLLED_BACK, 0, "rolled back before approval was asked: " + s.reason());
        }
        case REJECTED -> {
          failTask(r.taskToken(), ERROR_REJECTED, "rollout " + s.rolloutId() + " was rejected: " + s.reason());
          return StepResult.of(s, Next.REJECTED, 0, "rejected: " + s.reason());
        }
        case PROMOTED -> {
          failTask(r.taskToken(), ERROR_FAILED, "rollout " + s.rolloutId() + " is already promoted");
          return StepResult.of(s, Next.FAILED, 0, "already promoted; nothing to approve");
        }
        case AWAITING_APPROVAL -> {
          if (s.stageIndex() != r.stageIndex()) {
            failTask(r.taskToken(), ERROR_FAILED, "rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s));
            return StepResult.of(s, Next.FAILED, 0, "approval of another stage is pending");
          }
          if (r.taskToken().equals(s.taskToken())) {
            return StepResult.of(s, Next.AWAIT_DECISION, 0, "approval already requested"); // a retried call
          }
          // The workflow retried this task after a failure: the new token replaces the old, which is dead.
          Duration renewTimeout = r.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(r.approvalTimeoutSeconds()) : null;
          RolloutState renewed = s.withBookkeeping(now(), r.taskToken(), s.owed());
          List<OwedStep> owed = new ArrayList<>(s.owed());
          owed.add(new OwedStep.SendAlert(ApprovalMessage.build(renewed, lastGate(renewed), channels, renewTimeout,
              changeOf(s))));
          renewed = renewed.withBookkeeping(now(), r.taskToken(), owed);
          if (ports.store().replace(renewed, s.version(), AuditEvent.decision(renewed, now(), WORKFLOW_ACTOR,
              "APPROVAL_TOKEN_RENEWED", "the approval task was retried; its new token replaces the old one", null))) {
            rollback.finish(renewed);
            return StepResult.of(renewed, Next.AWAIT_DECISION, 0, "approval task token renewed");
          }
        }
        case RUNNING -> {
          if (s.stageIndex() != r.stageIndex()) {
            failTask(r.taskToken(), ERROR_FAILED, "approval of stage " + (r.stageIndex() + 1) + " asked, but rollout "
                + s.rolloutId() + " is " + RolloutStateMachine.describe(s));
            return StepResult.of(s, Next.FAILED, 0, "stage mismatch");
          }
          RolloutState current = s;
          if (r.executionArn() != null && s.executionArn() == null) {
            RolloutState withArn = s.withExecutionArn(r.executionArn());
            if (!ports.store().replace(withArn, s.version())) {
              continue;
            }
            current = withArn;
          }
          Duration timeout = r.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(r.approvalTimeoutSeconds()) : null;
          AuditEvent gate = lastGate(current);
          ChangeReport change = changeOf(current);
          Optional<RolloutState> a = commit(current, new RolloutCommand.RequestApproval(WORKFLOW_ACTOR,
              "stage " + (s.stageIndex() + 1) + " proposed for promotion", r.taskToken()), null,
              next -> List.of(new OwedStep.SendAlert(ApprovalMessage.build(next, gate, channels, timeout, change))));
          if (a.isEmpty()) {
            continue;
          }
          rollback.finish(a.get());
          return StepResult.of(a.get(), Next.AWAIT_DECISION, 0, "approval requested");
        }
        default -> throw new IllegalStateException("unknown status " + s.status());
      }
    }
    throw racing(r.rolloutId());
  }

  // ---------------------------------------------------------------------------------------------- decide

  /**
   * A person's decision on the waiting stage. Approve completes the workflow's task first and then writes the
   * state, so a stale token changes nothing; reject writes the state and stops the canary first and then fails
   * the task, so that even with a dead workflow a rejection ends the rollout.
   */
  public DecisionResult decide(Decide r) {
    String decision = r.decision() == null ? "" : r.decision().trim().toLowerCase(Locale.ROOT);
    if (!decision.equals("approve") && !decision.equals("reject")) {
      return DecisionResult.refused(r.application(), r.rolloutId(),
          "decision must be \"approve\" or \"reject\", got \"" + Texts.orEmpty(r.decision()) + "\"");
    }
    if (r.rolloutId() == null || r.rolloutId().isBlank()) {
      return DecisionResult.refused(r.application(), r.rolloutId(), "no rollout id given");
    }
    String actor = actor(r.actor());
    String reason = r.reason() == null || r.reason().isBlank() ? decision + "d by " + actor : r.reason();
    Optional<RolloutState> found = ports.store().get(r.application(), r.rolloutId());
    if (found.isEmpty()) {
      return DecisionResult.refused(r.application(), r.rolloutId(), "cannot " + decision + ": there is no rollout "
          + r.rolloutId() + " in application " + r.application() + " (./canaryctl status lists them)");
    }
    RolloutState s = found.get();
    Optional<String> notWaiting = notWaiting(s, decision);
    if (notWaiting.isPresent()) {
      return refuse(s, actor, decision, notWaiting.get());
    }
    return decision.equals("approve") ? approve(s, actor, reason) : reject(s, actor, reason);
  }

  private DecisionResult approve(RolloutState s, String actor, String reason) {
    Approval approval = Approval.of(actor, reason, s.stageIndex());
    try {
      ports.approvals().approve(s.taskToken(), approval.toJson());
    } catch (StaleTaskTokenException e) {
      RolloutState now = load(s.application(), s.rolloutId());
      if (now.version() != s.version()) {
        Optional<String> moved = notWaiting(now, "approve");
        return refuse(now, actor, "approve", moved.orElse("the rollout changed while deciding: it is now "
            + RolloutStateMachine.describe(now)));
      }
      return refuse(s, actor, "approve", "stale approval token: the promotion workflow is no longer waiting for this"
          + " approval (its task timed out, was already decided, or its execution ended: " + s.executionArn()
          + "). Nothing changed. To end this rollout, reject it: ./canaryctl reject " + s.rolloutId());
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState current = load(s.application(), s.rolloutId());
      if (current.status() == RolloutStatus.AWAITING_APPROVAL && current.stageIndex() == s.stageIndex()) {
        Optional<RolloutState> a = commit(current, new RolloutCommand.Approve(actor, reason), null, List.of());
        if (a.isEmpty()) {
          continue;
        }
        return DecisionResult.applied(a.get(), approvedMessage(a.get(), actor));
      }
      if (current.status() == RolloutStatus.RUNNING && current.stageIndex() == s.stageIndex() + 1) {
        return DecisionResult.applied(current, approvedMessage(current, actor)); // the workflow wrote it first
      }
      return DecisionResult.refused(current, "the approval reached the workflow, but meanwhile rollout "
          + s.rolloutId() + " became " + RolloutStateMachine.describe(current) + " (" + current.reason()
          + "); the workflow follows the rollout's state");
    }
    throw racing(s.rolloutId());
  }

  private DecisionResult reject(RolloutState first, String actor, String reason) {
    RollbackAction.Result r = rollback.stop(first.application(), first.rolloutId(), new RollbackAction.Stop(
        new RolloutCommand.Reject(actor, reason), null, s -> notWaiting(s, "reject"),
        before -> PromotionAlerts.rejected(before, actor, reason)));
    return switch (r) {
      case RollbackAction.Result.Stopped st -> DecisionResult.applied(st.state(), "rejected rollout "
          + first.rolloutId() + " at stage " + (st.before().stageIndex() + 1) + " of " + st.before().plan().size()
          + ": canary back to 0%, the rollout is over"
          + (st.steps().stream().anyMatch(o -> o.type().equals("APPROVAL_TASK_GONE"))
              ? " (the workflow was no longer waiting for this approval; nothing else to stop)" : ""));
      case RollbackAction.Result.AlreadyEnded e -> refuse(e.state(), actor, "reject", notWaiting(e.state(), "reject")
          .orElse("the rollout ended meanwhile"));
      case RollbackAction.Result.Refused f -> refuse(f.state(), actor, "reject", f.reason());
      case RollbackAction.Result.KeptLosing k -> throw racing(first.rolloutId());
    };
  }

  /**
   * An operator's abort (DESIGN.md §13): at any stage that has not ended, through the one rollback action, so the
   * canary goes to 0% at once, the team is paged and the workflow ends.
   */
  public DecisionResult rollBack(String application, String rolloutId, String actor, String reason) {
    String who = actor(actor);
    String why = reason == null || reason.isBlank() ? "rolled back by " + who : reason;
    Optional<RolloutState> found = ports.store().get(application, rolloutId);
    if (found.isEmpty()) {
      return DecisionResult.refused(application, rolloutId, "cannot roll back: there is no rollout " + rolloutId
          + " in application " + application + " (./canaryctl status lists them)");
    }
    RollbackAction.Result r = rollback.stop(application, rolloutId, new RollbackAction.Stop(
        new RolloutCommand.RollBack(who, why), null, null, before -> PromotionAlerts.rolledBack(before, who, why, null)));
    return switch (r) {
      case RollbackAction.Result.Stopped st -> DecisionResult.applied(st.state(), "rolled back rollout " + rolloutId
          + " at stage " + (st.before().stageIndex() + 1) + " of " + st.before().plan().size()
          + ": canary 0%, team paged, the workflow ends");
      case RollbackAction.Result.AlreadyEnded e -> DecisionResult.refused(e.state(), "cannot roll back: rollout "
          + rolloutId + " has ended already (" + e.state().status() + ": " + e.state().reason() + ")");
      case RollbackAction.Result.Refused f -> DecisionResult.refused(f.state(), "cannot roll back: " + f.reason());
      case RollbackAction.Result.KeptLosing k -> throw racing(rolloutId);
    };
  }

  /** Why a decision cannot be taken on this rollout, or empty when it waits for one. */
  private static Optional<String> notWaiting(RolloutState s, String decision) {
    String id = s.rolloutId();
    return switch (s.status()) {
      case AWAITING_APPROVAL -> s.taskToken() == null || s.taskToken().isBlank()
          ? Optional.of("cannot " + decision + ": rollout " + id + " waits for approval but has no task token stored")
          : Optional.empty();
      case RUNNING -> Optional.of("cannot " + decision + ": stage " + (s.stageIndex() + 1) + " of rollout " + id
          + " is not waiting for approval; it is " + RolloutStateMachine.describe(s) + " since " + s.stageStartedAt()
          + ". The workflow asks for approval when the stage's wait is over and the gate has run.");
      case ROLLED_BACK -> Optional.of("cannot " + decision + ": rollout " + id + " was rolled back at "
          + s.updatedAt() + " (" + s.reason() + "); there is nothing to decide. Start a new rollout instead.");
      case REJECTED -> Optional.of("cannot " + decision + ": rollout " + id + " was already rejected at "
          + s.updatedAt() + " (" + s.reason() + "); it is over. Start a new rollout instead.");
      case PROMOTED -> Optional.of("cannot " + decision + ": rollout " + id + " is finished: its canary was promoted"
          + " to stable at " + s.updatedAt() + ".");
    };
  }

  private DecisionResult refuse(RolloutState s, String actor, String decision, String message) {
    ports.store().append(AuditEvent.decision(s, now(), actor, "REFUSED", decision + " refused: " + message, null));
    return DecisionResult.refused(s, message);
  }

  private static String approvedMessage(RolloutState s, String actor) {
    if (s.plan().isLast(s.stageIndex())) {
      return "approved by " + actor + ": rollout " + s.rolloutId() + " goes to 100%: the workflow now makes the"
          + " canary the new stable";
    }
    return "approved by " + actor + ": rollout " + s.rolloutId() + " moves to stage " + (s.stageIndex() + 1) + " of "
        + s.plan().size() + " (" + Texts.pct(s.canaryPercent()) + "); the workflow applies it now";
  }

  // -------------------------------------------------------------------------------------------- finalize

  /** The canary becomes the new stable: canary removed, percent 0, state PROMOTED, "promoted" alert. */
  public StepResult finalizeRollout(Finalize r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = settle(load(r.application(), r.rolloutId()));
      switch (s.status()) {
        case PROMOTED -> {
          // A retry after the transition: settle() finished what the promotion owed.
          return StepResult.of(s, Next.PROMOTED, 0, "promoted: the canary is the new stable");
        }
        case ROLLED_BACK -> {
          return StepResult.of(s, Next.ROLLED_BACK, 0, "rolled back: " + s.reason());
        }
        case REJECTED -> {
          return StepResult.of(s, Next.REJECTED, 0, "rejected: " + s.reason());
        }
        case RUNNING -> {
          if (!s.plan().isLast(s.stageIndex())) {
            throw new IllegalStateException("cannot finalize rollout " + s.rolloutId() + ": it is "
                + RolloutStateMachine.describe(s) + ", not at its last stage");
          }
          configOf(s); // the deployed config must be this rollout's, or promoting it would promote another
          Optional<RolloutState> a = commit(s, new RolloutCommand.Finalize(WORKFLOW_ACTOR,
              "all stages approved: the canary becomes the new stable"), null, next -> List.of(
                  new OwedStep.PromoteCanary("rollout " + next.rolloutId() + " promoted: the canary is the new stable"),
                  new OwedStep.SendAlert(PromotionAlerts.promoted(next))));
          if (a.isEmpty()) {
            continue;
          }
          RolloutState done = settle(a.get());
          if (done.owed().stream().anyMatch(o -> o instanceof OwedStep.PromoteCanary)) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is PROMOTED but the new stable is not"
                + " deployed yet; the retry (or the next health check) deploys it");
          }
          return StepResult.of(done, Next.PROMOTED, 0, "promoted: the canary is the new stable");
        }
        case AWAITING_APPROVAL -> throw new IllegalStateException("cannot finalize rollout " + s.rolloutId()
            + ": it is " + RolloutStateMachine.describe(s));
        default -> throw new IllegalStateException("unknown status " + s.status());
      }
    }
    throw racing(r.rolloutId());
  }

  // ------------------------------------------------------------------------------------- expire-approval

  /** Nobody decided in time: the rollout ends as rejected and the canary goes to 0%. */
  public StepResult expireApproval(ExpireApproval r) {
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = load(r.application(), r.rolloutId());
      Optional<StepResult> ended = ended(s, 0);
      if (ended.isPresent()) {
        return ended.get();
      }
      if (s.status() != RolloutStatus.AWAITING_APPROVAL) {
        throw new IllegalStateException("the approval timed out, but rollout " + s.rolloutId() + " is "
            + RolloutStateMachine.describe(s));
      }
      String waited = r.timeoutSeconds() > 0 ? Texts.duration(Duration.ofSeconds(r.timeoutSeconds())) : "the approval timeout";
      String reason = "no decision within " + waited + ": rejected automatically";
      int stage = s.stageIndex();
      RollbackAction.Result stopped = rollback.stop(s.application(), s.rolloutId(), new RollbackAction.Stop(
          new RolloutCommand.Reject(WORKFLOW_ACTOR, reason), null,
          now2 -> now2.status() == RolloutStatus.AWAITING_APPROVAL && now2.stageIndex() == stage ? Optional.empty()
              : Optional.of("the rollout moved on (" + RolloutStateMachine.describe(now2) + ")"),
          before -> PromotionAlerts.expired(before, waited)));
      if (stopped instanceof RollbackAction.Result.Stopped st) {
        return StepResult.of(st.state(), Next.REJECTED, 0, reason);
      }
      continue;
    }
    throw racing(r.rolloutId());
  }

  // -------------------------------------------------------------------------------------- report-failure

  /** Records a workflow failure and tells a person; the canary stays where it is, still watched by the health check. */
  public StepResult reportFailure(ReportFailure r) {
    String what = Texts.orEmpty(r.error()) + (r.cause() == null || r.cause().isBlank() ? "" : ": " + r.cause());
    Optional<RolloutState> found = ports.store().get(r.application(), r.rolloutId());
    String where = found.map(RolloutStateMachine::describe).orElse("unknown (no state recorded)");
    found.ifPresent(s -> ports.store().append(AuditEvent.decision(s, now(), WORKFLOW_ACTOR, "WORKFLOW_FAILED", what, null)));
    String exec = channels.executionLink(r.executionArn());
    Alert alert = PromotionAlerts.workflowFailed(r.application(), r.rolloutId(), what, where, r.executionArn(),
        exec != null ? exec : Texts.orEmpty(r.executionArn()));
    if (found.isPresent()) {
      RolloutState s = found.get();
      for (int i = 0; i < MAX_RACES; i++) {
        List<OwedStep> owed = new ArrayList<>(s.owed());
        owed.add(new OwedStep.SendAlert(alert));
        if (ports.store().replace(s.withOwed(owed), s.version())) {
          s = settle(load(r.application(), r.rolloutId()));
          break;
        }
        s = load(r.application(), r.rolloutId());
      }
      return StepResult.of(s, Next.FAILED, 0, what);
    }
    try {
      ports.alerts().publish(alert);
    } catch (AlertDeliveryException ignored) {
      // no rollout to keep it with; the workflow's own failure record remains
    }
    return new StepResult(r.application(), r.rolloutId(), Next.FAILED, "", -1, 0, 0.0, 0, "", what, "");
  }

  // ------------------------------------------------------------------------------------------- internals

  private Instant now() {
    return ports.clock().instant();
  }

  private RolloutState load(String application, String rolloutId) {
    return ports.store().get(application, rolloutId).orElseThrow(() -> new IllegalStateException(
        "no rollout " + rolloutId + " in application " + application));
  }

  /** The terminal result for a rollout that ended, if it did. */
  private static Optional<StepResult> ended(RolloutState s, int waits) {
    return switch (s.status()) {
      case ROLLED_BACK -> Optional.of(StepResult.of(s, Next.ROLLED_BACK, waits, "rolled back: " + s.reason()));
      case REJECTED -> Optional.of(StepResult.of(s, Next.REJECTED, waits, "rejected: " + s.reason()));
      case PROMOTED -> Optional.of(StepResult.of(s, Next.PROMOTED, waits, "already promoted"));
      case RUNNING, AWAITING_APPROVAL -> Optional.empty();
    };
  }

  /**
   * Applies a command with a conditional write that carries its audit event (with the table, when given) and the
   * work the new state owes. Empty when another writer won the race: the caller reads again and decides again.
   */
  private Optional<RolloutState> commit(RolloutState s, RolloutCommand c, String table,
      java.util.function.Function<RolloutState, List<OwedStep>> owes) {
    Transition t = RolloutStateMachine.apply(s, c, now());
    if (t instanceof Transition.Refused refused) {
      throw new IllegalStateException(refused.reason());
    }
    Transition.Applied a = (Transition.Applied) t;
    List<OwedStep> owed = new ArrayList<>(a.state().owed());
    owed.addAll(owes.apply(a.state()));
    RolloutState next = a.state().withBookkeeping(a.state().updatedAt(), a.state().taskToken(), owed);
    next = new RolloutState(next.application(), next.rolloutId(), next.status(), next.plan(), next.stageIndex(),
        a.state().version(), next.createdAt(), next.stageStartedAt(), next.updatedAt(), next.executionArn(),
        next.taskToken(), next.reason(), next.owed());
    AuditEvent e = a.event();
    AuditEvent event = new AuditEvent(e.application(), e.rolloutId(), e.at(), e.actor(), e.type(), e.fromStatus(),
        e.toStatus(), e.stageIndex(), e.reason(), table);
    return ports.store().replace(next, s.version(), event) ? Optional.of(next) : Optional.empty();
  }

  private Optional<RolloutState> commit(RolloutState s, RolloutCommand c, String table, List<OwedStep> owes) {
    return commit(s, c, table, next -> owes);
  }

  /** Finishes what the rollout owes (see {@link RollbackAction#finish}); answers the rollout as it is afterwards. */
  private RolloutState settle(RolloutState s) {
    if (!s.owes()) {
      return s;
    }
    rollback.finish(s);
    return load(s.application(), s.rolloutId());
  }

  /** A resumed execution (started by hand with {@code "resume": true}) takes the rollout over from a dead one. */
  private void takeOver(RolloutState s, String executionArn) {
    if (executionArn == null || executionArn.equals(s.executionArn())) {
      return;
    }
    RolloutState taken = s.withExecutionArn(executionArn);
    ports.store().replace(taken, s.version(), AuditEvent.decision(taken, now(), WORKFLOW_ACTOR, "WORKFLOW_RESUMED",
        "workflow execution " + executionArn + " takes over from " + Texts.orEmpty(s.executionArn()), null));
  }

  /** What the rollout changes, from its deployed config; null when that config is not this rollout's or unreadable. */
  private ChangeReport changeOf(RolloutState s) {
    try {
      RolloutConfig c = ports.configs().deployedConfig();
      return c == null || !c.rolloutId().equals(s.rolloutId()) ? null : ChangeReport.of(c).orElse(null);
    } catch (RuntimeException e) {
      return null; // the page goes out without it
    }
  }

  /** The deployed config, which must be this rollout's: the base of the stage to apply or the promotion. */
  private RolloutConfig configOf(RolloutState s) {
    RolloutConfig c = ports.configs().deployedConfig();
    if (c == null) {
      throw new IllegalStateException("no rollout config is deployed; cannot move rollout " + s.rolloutId());
    }
    if (!c.rolloutId().equals(s.rolloutId())) {
      throw new IllegalStateException("the deployed config belongs to rollout " + c.rolloutId() + ", not "
          + s.rolloutId() + "; was it changed by hand?");
    }
    return c;
  }

  private void failTask(String token, String error, String cause) {
    try {
      ports.approvals().reject(token, error, cause);
    } catch (StaleTaskTokenException e) {
      // the task is gone already; nothing waits on it
    }
  }

  /** The gate's audit event of the rollout's current stage, the evidence of an approval request. */
  private AuditEvent lastGate(RolloutState s) {
    List<AuditEvent> history = ports.store().history(s.application(), s.rolloutId());
    for (int i = history.size() - 1; i >= 0; i--) {
      AuditEvent e = history.get(i);
      if (GATE_EVENT.equals(e.type()) && e.stageIndex() == s.stageIndex()) {
        return e;
      }
    }
    return null;
  }

  private static String approvalReason(Approval a) {
    return a.reason() == null || a.reason().isBlank() ? "approved" : a.reason();
  }

  private static String actor(String actor) {
    return actor == null || actor.isBlank() ? "unknown" : actor;
  }

  private static String stagesText(StagePlan plan) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < plan.size(); i++) {
      b.append(i == 0 ? "" : " -> ").append(Texts.pct(plan.percent(i)));
    }
    return b.toString();
  }

  private static IllegalStateException racing(String rolloutId) {
    return new IllegalStateException("rollout " + rolloutId + " kept changing under this action (" + MAX_RACES
        + " lost conditional writes in a row); giving up so the workflow retries");
  }
}
