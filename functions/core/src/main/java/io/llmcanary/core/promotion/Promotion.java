package io.llmcanary.core.promotion;

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
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.RolloutStatus;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
  public static final String ERROR_ROLLED_BACK = "RolledBack";
  public static final String ERROR_REJECTED = "Rejected";
  public static final String ERROR_FAILED = "Failed";

  /** The actor of the workflow's own moves in the audit trail. */
  public static final String WORKFLOW_ACTOR = "promotion-workflow";
  static final String GATE_ACTOR = "promotion-gate";
  static final String GATE_EVENT = "GATE";

  /** Lost races before an action gives up (each loss means another writer moved the rollout meanwhile). */
  private static final int MAX_RACES = 8;

  private final PromotionPorts ports;
  private final ApprovalChannels channels;

  public Promotion(PromotionPorts ports, ApprovalChannels channels) {
    this.ports = Objects.requireNonNull(ports, "ports");
    this.channels = channels == null ? ApprovalChannels.LOCAL : channels;
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
    RolloutConfig current = ports.configs().currentConfig();
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
    if (active.isPresent()) {
      return DecisionResult.refused(app, rolloutId, busy(app, active.get().rolloutId(), active));
    }
    if (current.canaryPercent() > 0) {
      return DecisionResult.refused(app, rolloutId, "cannot start: the published config still sends "
          + Texts.pct(current.canaryPercent()) + " of users to the canary of rollout " + current.rolloutId()
          + ", which has no active state; set its canaryPercent to 0 first");
    }
    if (rolloutId != null && ports.store().get(app, rolloutId).isPresent()) {
      return DecisionResult.refused(app, rolloutId, "cannot start: a rollout with id " + rolloutId
          + " exists already (" + ports.store().get(app, rolloutId).get().status() + "); choose another id");
    }
    VersionSpec stable = current.version(Variant.STABLE).orElse(null);
    if (stable == null) {
      return DecisionResult.refused(app, rolloutId, "cannot start: the published config has no stable version");
    }
    Map<String, ModelPrice> pricing = new LinkedHashMap<>(current.pricing());
    pricing.putAll(r.pricing());
    List<Double> stages = r.stages() != null ? r.stages() : current.stages();
    double first = stages.isEmpty() ? 0 : stages.get(0);
    RolloutConfig candidate = new RolloutConfig(RolloutConfig.SCHEMA_VERSION, app, rolloutId, first, null,
        Map.of(Variant.STABLE.wireName(), stable, Variant.CANARY.wireName(), r.canary()), pricing,
        current.guardrails(), stages, current.fallbackToStable());
    List<ConfigError> errors = (check == null ? ports.configCheck() : check).check(candidate);
    if (!errors.isEmpty()) {
      StringBuilder b = new StringBuilder("cannot start: the canary version is not valid:");
      errors.forEach(e -> b.append("\n  ").append(e));
      return DecisionResult.refused(app, rolloutId, b.toString());
    }
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
    ports.store().append(AuditEvent.decision(state, now, actor(r.actor()), "STARTED", reason, null));
    ports.configs().publish(candidate, Speed.PLANNED, "start rollout " + rolloutId + " at " + Texts.pct(first));
    String executionArn;
    try {
      executionArn = Objects.requireNonNull(ports.starter(), "no workflow starter").start(app, rolloutId);
    } catch (RuntimeException e) {
      // A canary without a workflow would never be promoted nor asked about: take it back out at once.
      String why = "the promotion workflow could not be started: " + e.getMessage();
      RolloutState rolledBack = rollBack(load(app, rolloutId), WORKFLOW_ACTOR, why, null);
      return DecisionResult.refused(rolledBack, "cannot start: " + why + ". The rollout was stopped (canary 0%).");
    }
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = load(app, rolloutId);
      if (s.executionArn() != null || ports.store().replace(s.withExecutionArn(executionArn), s.version())) {
        break;
      }
    }
    RolloutState started = load(app, rolloutId);
    return DecisionResult.applied(started, "started rollout " + rolloutId + " of " + app + ": "
        + Texts.pct(first) + " of users on the canary (" + r.canary().model() + "), stages " + stagesText(plan)
        + ". Workflow: " + executionArn + ".");
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
      RolloutState s = deliverPending(load(r.application(), r.rolloutId()));
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
          if (a == null || !Approval.APPROVE.equals(a.decision()) || a.fromStage() != s.stageIndex()) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s)
                + "; apply-stage moves it on only with the approval of that stage, got " + a);
          }
          // The decider completed the task but has not written the state (yet, or it died): write it here.
          commit(s, new RolloutCommand.Approve(actor(a.actor()), approvalReason(a)), null);
          continue;
        }
        case RUNNING -> {
          Approval a = r.approval();
          if (a != null && s.stageIndex() != a.toStage()) {
            throw new IllegalStateException("rollout " + s.rolloutId() + " is " + RolloutStateMachine.describe(s)
                + " but the approval moved it to stage " + (a.toStage() + 1));
          }
          if (r.executionArn() != null && !r.executionArn().equals(s.executionArn())) {
            if (s.executionArn() != null && s.executionArn().startsWith("arn:")) {
              throw new IllegalStateException("rollout " + s.rolloutId() + " is driven by workflow execution "
                  + s.executionArn() + ", not " + r.executionArn() + "; stop one of them");
            }
            ports.store().replace(s.withExecutionArn(r.executionArn()), s.version());
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
      RolloutState s = deliverPending(load(r.application(), r.rolloutId()));
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
          RolloutState after = rollBack(s, GATE_ACTOR, "promotion gate found a regression: " + v.reason(), v.table());
          if (after == null) {
            continue; // another writer moved the rollout meanwhile: look again
          }
          return StepResult.of(after, Next.ROLLED_BACK, r.inconclusiveWaits(), line).withVerdict(v.outcome().name(), v.table());
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
      RolloutState s = deliverPending(load(r.application(), r.rolloutId()));
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
          RolloutState renewed = s.withBookkeeping(s.version() + 1, now(), r.taskToken(), s.pendingAlert());
          if (ports.store().replace(renewed, s.version())) {
            ports.store().append(AuditEvent.decision(renewed, now(), WORKFLOW_ACTOR, "APPROVAL_TOKEN_RENEWED",
                "the approval task was retried; its new token replaces the old one", null));
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
          Transition.Applied a = commit(current, new RolloutCommand.RequestApproval(WORKFLOW_ACTOR,
              "stage " + (s.stageIndex() + 1) + " proposed for promotion", r.taskToken()), null);
          if (a == null) {
            continue;
          }
          Duration timeout = r.approvalTimeoutSeconds() > 0 ? Duration.ofSeconds(r.approvalTimeoutSeconds()) : null;
          alert(a.state(), ApprovalMessage.build(a.state(), lastGate(a.state()), channels, timeout));
          return StepResult.of(a.state(), Next.AWAIT_DECISION, 0, "approval requested");
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
        Transition.Applied a = commit(current, new RolloutCommand.Approve(actor, reason), null);
        if (a == null) {
          continue;
        }
        return DecisionResult.applied(a.state(), approvedMessage(a.state(), actor));
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
    for (int i = 0; i < MAX_RACES; i++) {
      RolloutState s = load(first.application(), first.rolloutId());
      Optional<String> notWaiting = notWaiting(s, "reject");
      if (notWaiting.isPresent()) {
        return refuse(s, actor, "reject", notWaiting.get());
      }
      Transition.Applied a = commit(s, new RolloutCommand.Reject(actor, reason), null);
      if (a == null) {
        continue;
      }
      stopCanary(a.state(), "rollout " + s.rolloutId() + " rejected by " + actor);
      String note = "";
      try {
        ports.approvals().reject(s.taskToken(), ERROR_REJECTED, "rejected by " + actor + ": " + reason);
      } catch (StaleTaskTokenException e) {
        note = " (the workflow was no longer waiting for this approval; nothing else to stop)";
      }
      alert(a.state(), new Alert(Alert.Kind.REJECTED, s.application(), s.rolloutId(),
          "[llm-canary] Rejected: " + s.application() + "/" + s.rolloutId() + " at stage " + (s.stageIndex() + 1)
              + " (" + Texts.pct(s.canaryPercent()) + ")",
          "Rollout " + s.rolloutId() + " was rejected by " + actor + " at stage " + (s.stageIndex() + 1) + " of "
              + s.plan().size() + ": " + reason + "\nThe canary is back to 0%: every user is served the stable version."));
      return DecisionResult.applied(a.state(), "rejected rollout " + s.rolloutId() + " at stage "
          + (s.stageIndex() + 1) + " of " + s.plan().size() + ": canary back to 0%, the rollout is over" + note);
    }
    throw racing(first.rolloutId());
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
      RolloutState s = deliverPending(load(r.application(), r.rolloutId()));
      switch (s.status()) {
        case PROMOTED -> {
          // A retry after the transition: make sure the config and the alert followed.
          if (publishPromoted(s)) {
            alert(s, promotedAlert(s));
          }
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
          Transition.Applied a = commit(s, new RolloutCommand.Finalize(WORKFLOW_ACTOR,
              "all stages approved: the canary becomes the new stable"), null);
          if (a == null) {
            continue;
          }
          publishPromoted(a.state());
          alert(a.state(), promotedAlert(a.state()));
          return StepResult.of(a.state(), Next.PROMOTED, 0, "promoted: the canary is the new stable");
        }
        case AWAITING_APPROVAL -> throw new IllegalStateException("cannot finalize rollout " + s.rolloutId()
            + ": it is " + RolloutStateMachine.describe(s));
        default -> throw new IllegalStateException("unknown status " + s.status());
      }
    }
    throw racing(r.rolloutId());
  }

  /** Publishes the promoted config unless it is out already; true when it published. */
  private boolean publishPromoted(RolloutState s) {
    RolloutConfig c = ports.configs().currentConfig();
    if (c == null || !c.rolloutId().equals(s.rolloutId())) {
      throw new IllegalStateException("cannot promote rollout " + s.rolloutId() + ": the published config belongs to "
          + (c == null ? "no rollout" : "rollout " + c.rolloutId()));
    }
    Optional<VersionSpec> canary = c.version(Variant.CANARY);
    if (canary.isEmpty()) {
      return false;
    }
    Map<String, VersionSpec> versions = new HashMap<>();
    versions.put(Variant.STABLE.wireName(), canary.get());
    ports.configs().publish(c.withVersions(versions).withCanaryPercent(0), Speed.PLANNED,
        "rollout " + s.rolloutId() + " promoted: canary " + canary.get().model() + " is the new stable");
    return true;
  }

  private static Alert promotedAlert(RolloutState s) {
    return new Alert(Alert.Kind.PROMOTED, s.application(), s.rolloutId(),
        "[llm-canary] Promoted: " + s.application() + "/" + s.rolloutId() + " is the new stable",
        "Rollout " + s.rolloutId() + " went through all " + s.plan().size() + " stages (" + stagesText(s.plan())
            + ") and was approved at each. Its canary version is now the stable version for every user; the config"
            + " has no canary any more.\nHistory: ./canaryctl history " + s.rolloutId());
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
      Transition.Applied a = commit(s, new RolloutCommand.Reject(WORKFLOW_ACTOR, reason), null);
      if (a == null) {
        continue;
      }
      stopCanary(a.state(), "rollout " + s.rolloutId() + ": approval expired");
      alert(a.state(), new Alert(Alert.Kind.REJECTED, s.application(), s.rolloutId(),
          "[llm-canary] Approval expired: " + s.application() + "/" + s.rolloutId() + " ended at 0%",
          "Nobody approved or rejected stage " + (s.stageIndex() + 1) + " of rollout " + s.rolloutId() + " within "
              + waited + ". The rollout ended as rejected and the canary is back to 0%. Start a new rollout to try again."));
      return StepResult.of(a.state(), Next.REJECTED, 0, reason);
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
    Alert alert = new Alert(Alert.Kind.WORKFLOW_FAILED, r.application(), r.rolloutId(),
        "[llm-canary] Promotion workflow failed: " + r.application() + "/" + r.rolloutId(),
        "The promotion workflow of rollout " + r.rolloutId() + " stopped on an error it could not handle:\n  " + what
            + "\nThe rollout is " + where + "; the canary stays at that share and the health check keeps watching it"
            + " (it still rolls back on a regression).\nTo end it: ./canaryctl reject " + r.rolloutId()
            + " (when waiting for approval) or roll it back. To carry on: start a new execution of the promotion"
            + " state machine with input {\"application\": " + JsonText.quote(r.application()) + ", \"rolloutId\": "
            + JsonText.quote(r.rolloutId()) + "}; it resumes from the stored state.\nFailed execution: "
            + (exec != null ? exec : Texts.orEmpty(r.executionArn())));
    if (found.isPresent()) {
      alert(found.get(), alert);
      RolloutState s = load(r.application(), r.rolloutId());
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
   * Applies a command with a conditional write and appends its audit event (with the table, when given). Null
   * when another writer won the race: the caller reads again and decides again.
   */
  private Transition.Applied commit(RolloutState s, RolloutCommand c, String table) {
    Transition t = RolloutStateMachine.apply(s, c, now());
    if (t instanceof Transition.Refused refused) {
      throw new IllegalStateException(refused.reason());
    }
    Transition.Applied a = (Transition.Applied) t;
    if (!ports.store().replace(a.state(), s.version())) {
      return null;
    }
    AuditEvent e = a.event();
    if (table != null) {
      e = new AuditEvent(e.application(), e.rolloutId(), e.at(), e.actor(), e.type(), e.fromStatus(), e.toStatus(),
          e.stageIndex(), e.reason(), table);
    }
    ports.store().append(e);
    return a;
  }

  /**
   * Rolls a running rollout back: transition, canary to 0% at once, "rollback" alert. Null when another writer
   * moved the rollout first; the rolled-back state otherwise (also when it was rolled back already).
   */
  private RolloutState rollBack(RolloutState s, String actor, String reason, String table) {
    if (s.status() == RolloutStatus.ROLLED_BACK) {
      return s;
    }
    Transition.Applied a = commit(s, new RolloutCommand.RollBack(actor, reason), table);
    if (a == null) {
      return null;
    }
    stopCanary(a.state(), "rollout " + s.rolloutId() + " rolled back: " + reason);
    alert(a.state(), new Alert(Alert.Kind.ROLLBACK, s.application(), s.rolloutId(),
        "[llm-canary] Rolled back: " + s.application() + "/" + s.rolloutId() + " at stage " + (s.stageIndex() + 1)
            + " (" + Texts.pct(s.canaryPercent()) + ")",
        "Rollout " + s.rolloutId() + " was rolled back by " + actor + ": " + reason
            + "\nThe canary is at 0%: every user is served the stable version.\n\n"
            + (table == null ? "" : table) + "\nHistory: ./canaryctl history " + s.rolloutId()));
    return a.state();
  }

  /** Sets this rollout's canary to 0% at once, if the published config still gives it users. */
  private void stopCanary(RolloutState s, String description) {
    RolloutConfig c = ports.configs().currentConfig();
    if (c != null && c.rolloutId().equals(s.rolloutId()) && c.canaryPercent() > 0) {
      ports.configs().publish(c.withCanaryPercent(0), Speed.IMMEDIATE, description);
    }
  }

  private RolloutConfig configOf(RolloutState s) {
    RolloutConfig c = ports.configs().currentConfig();
    if (c == null) {
      throw new IllegalStateException("no rollout config is published; cannot move rollout " + s.rolloutId());
    }
    if (!c.rolloutId().equals(s.rolloutId())) {
      throw new IllegalStateException("the published config belongs to rollout " + c.rolloutId() + ", not "
          + s.rolloutId() + "; was it changed by hand?");
    }
    return c;
  }

  /** Sends an alert; when it cannot be delivered, records it as pending (retried by the next run). */
  private void alert(RolloutState s, Alert a) {
    try {
      ports.alerts().publish(a);
    } catch (AlertDeliveryException e) {
      ports.store().append(AuditEvent.decision(s, now(), WORKFLOW_ACTOR, "ALERT_PENDING",
          a.kind() + " alert not delivered, kept for retry: " + e.getMessage(), null));
      for (int i = 0; i < MAX_RACES; i++) {
        RolloutState latest = load(s.application(), s.rolloutId());
        if (ports.store().replace(latest.withPendingAlert(PendingAlert.encode(a)), latest.version())) {
          return;
        }
      }
    }
  }

  /** Retries a pending alert; answers the rollout as it is afterwards. */
  private RolloutState deliverPending(RolloutState s) {
    Alert pending = PendingAlert.decode(s.pendingAlert(), s.application(), s.rolloutId());
    if (s.pendingAlert() == null) {
      return s;
    }
    try {
      if (pending != null) {
        ports.alerts().publish(pending);
      }
    } catch (AlertDeliveryException e) {
      return s; // still down; the next run tries again
    }
    if (ports.store().replace(s.withPendingAlert(null), s.version())) {
      ports.store().append(AuditEvent.decision(s, now(), WORKFLOW_ACTOR, "ALERT",
          (pending == null ? "unreadable pending alert dropped" : pending.kind() + " alert delivered on retry"), null));
    }
    return load(s.application(), s.rolloutId());
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
