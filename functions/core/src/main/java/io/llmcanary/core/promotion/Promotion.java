package io.llmcanary.core.promotion;

import io.llmcanary.core.promotion.PromotionRequest.ApplyStage;
import io.llmcanary.core.promotion.PromotionRequest.Decide;
import io.llmcanary.core.promotion.PromotionRequest.ExpireApproval;
import io.llmcanary.core.promotion.PromotionRequest.Finalize;
import io.llmcanary.core.promotion.PromotionRequest.Gate;
import io.llmcanary.core.promotion.PromotionRequest.ReportFailure;
import io.llmcanary.core.promotion.PromotionRequest.RequestApproval;
import io.llmcanary.core.rollback.RollbackAction;
import java.util.Objects;

/**
 * The promotion workflow's logic (docs/architecture.md#the-promotion-workflow): one method per action of the promotion function, over the
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
 *
 * <p>This class is the facade: each action is a class of its own ({@link StartAction}, {@link ApplyStageAction},
 * {@link GateAction}, {@link RequestApprovalAction}, {@link DecideAction}, {@link OperatorRollback},
 * {@link FinalizeAction}, {@link ExpireApprovalAction}, {@link ReportFailureAction}) over the shared rollout reads
 * and writes of {@link RolloutWrites}.
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

  private final PromotionPorts ports;
  private final OperatorRules rules;
  private final ConfigCheck deploymentCheck;
  private final StartAction start;
  private final ApplyStageAction applyStage;
  private final GateAction gate;
  private final RequestApprovalAction requestApproval;
  private final DecideAction decide;
  private final OperatorRollback rollBack;
  private final FinalizeAction finalizeRollout;
  private final ExpireApprovalAction expireApproval;
  private final ReportFailureAction reportFailure;

  public Promotion(PromotionPorts ports, ApprovalChannels channels) {
    this(ports, channels, OperatorRules.OPEN);
  }

  /** With the operator rules of the deployment (the two-person rule; the allow-list is the API's to apply). */
  public Promotion(PromotionPorts ports, ApprovalChannels channels, OperatorRules rules) {
    this(ports, channels, rules, null);
  }

  /**
   * @param deploymentCheck what this deployment adds to every start's config check (the providers its chat proxy
   *                        has wired, {@link ConfigCheck#providersWired}); null: nothing
   */
  public Promotion(PromotionPorts ports, ApprovalChannels channels, OperatorRules rules, ConfigCheck deploymentCheck) {
    this.rules = rules == null ? OperatorRules.OPEN : rules;
    this.deploymentCheck = deploymentCheck;
    this.ports = Objects.requireNonNull(ports, "ports");
    ApprovalChannels links = channels == null ? ApprovalChannels.LOCAL : channels;
    RolloutWrites writes = new RolloutWrites(ports);
    this.start = new StartAction(writes);
    this.applyStage = new ApplyStageAction(writes);
    this.gate = new GateAction(writes);
    this.requestApproval = new RequestApprovalAction(writes, links);
    this.decide = new DecideAction(writes, this.rules);
    this.rollBack = new OperatorRollback(writes);
    this.finalizeRollout = new FinalizeAction(writes);
    this.expireApproval = new ExpireApprovalAction(writes);
    this.reportFailure = new ReportFailureAction(writes, links);
  }

  public PromotionPorts ports() {
    return ports;
  }

  public OperatorRules rules() {
    return rules;
  }

  /**
   * Starts a rollout: checks the candidate config (schema and rules), refuses when a rollout is already active for
   * the application, writes the config at the first stage, records the rollout and starts its workflow.
   */
  public DecisionResult start(StartRequest r) {
    return start(r, ports.configCheck());
  }

  /** {@link #start(StartRequest)} with the check of this request's candidate (the schema on the raw document). */
  public DecisionResult start(StartRequest r, ConfigCheck check) {
    ConfigCheck base = check != null ? check : ports.configCheck() != null ? ports.configCheck() : ConfigCheck.RULES_ONLY;
    return start.start(r, base.and(deploymentCheck));
  }

  /** Puts the rollout's current stage into effect (see {@link ApplyStage}). */
  public StepResult applyStage(ApplyStage r) {
    return applyStage.run(r);
  }

  /** The end-of-stage gate: judges everything since the stage began (see {@link Gate}). */
  public StepResult gate(Gate r) {
    return gate.run(r);
  }

  /**
   * Stores the waiting task's token with the rollout and sends the "approval needed" alert. When the rollout has
   * ended meanwhile, completes the task at once with the error that names why, so the workflow ends there.
   */
  public StepResult requestApproval(RequestApproval r) {
    return requestApproval.run(r);
  }

  /**
   * A person's decision on the waiting stage. Approve completes the workflow's task first and then writes the
   * state, so a stale token changes nothing; reject writes the state and stops the canary first and then fails
   * the task, so that even with a dead workflow a rejection ends the rollout.
   */
  public DecisionResult decide(Decide r) {
    return decide.decide(r);
  }

  /**
   * An operator's abort (docs/architecture.md#the-operator-surface): at any stage that has not ended, through the one rollback action, so the
   * canary goes to 0% at once, the team is paged and the workflow ends.
   */
  public DecisionResult rollBack(String application, String rolloutId, String actor, String reason) {
    return rollBack.run(application, rolloutId, actor, reason);
  }

  /** The canary becomes the new stable: canary removed, percent 0, state PROMOTED, "promoted" alert. */
  public StepResult finalizeRollout(Finalize r) {
    return finalizeRollout.run(r);
  }

  /** Nobody decided in time: the rollout ends as rejected and the canary goes to 0%. */
  public StepResult expireApproval(ExpireApproval r) {
    return expireApproval.run(r);
  }

  /** Records a workflow failure and tells a person; the canary stays where it is, still watched by the health check. */
  public StepResult reportFailure(ReportFailure r) {
    return reportFailure.run(r);
  }
}
