package io.llmcanary.core.promotion;

import io.llmcanary.core.alerts.PastedInput;
import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.rollout.RolloutState;
import java.time.Duration;

/**
 * The "approval needed" alert (docs/architecture.md#the-promotion-workflow): what is proposed, the evidence (the gate's comparison table), the
 * three ways to decide with exactly what to type, and a link to the waiting execution.
 */
final class ApprovalMessage {

  private ApprovalMessage() {}

  /**
   * @param s       the rollout, waiting for approval
   * @param gate    the gate's audit event for this stage (its verdict and table), or null when none was recorded
   * @param timeout how long the workflow waits for a decision, or null when unknown
   * @param change  what the rollout changes (stable vs canary), or null when the config is not at hand
   */
  static Alert build(RolloutState s, AuditEvent gate, ApprovalChannels ch, Duration timeout, ChangeReport change) {
    int stage = s.stageIndex();
    String now = Percent.text(s.plan().percent(stage));
    boolean nextIsLast = s.plan().isLast(stage + 1);
    String next = nextIsLast ? "100% (the canary becomes the new stable)" : Percent.text(s.plan().percent(stage + 1));
    String id = s.rolloutId();
    String verdict = gate == null ? "" : gate.reason();
    boolean inconclusive = gate != null && gate.outcome() == Outcome.INCONCLUSIVE;

    StringBuilder b = new StringBuilder();
    b.append("Rollout ").append(id).append(" of application ").append(s.application()).append(" has run stage ")
        .append(stage + 1).append(" of ").append(s.plan().size()).append(" (").append(now)
        .append(" of users on the canary) since ").append(s.stageStartedAt()).append(".\n");
    if (inconclusive) {
      b.append("The promotion gate could not decide, even after waiting longer: ").append(verdict)
          .append("\nThe judge found no regression but not enough evidence of health either. A person must decide.\n");
    } else if (!verdict.isEmpty()) {
      b.append("The promotion gate passed: ").append(verdict).append('\n');
    }
    if (change != null) {
      b.append("\nWhat you are approving: ").append(change.render().strip().replace("\n", "\n  ")).append("\n\n");
    }
    b.append("Approve to move the canary to ").append(next)
        .append(". Reject to end the rollout and send everyone back to stable (canary 0%).\n\n");
    b.append("Evidence (everything since the stage began):\n");
    b.append(gate == null || gate.table() == null || gate.table().isBlank() ? "(no comparison table recorded)\n"
        : gate.table());
    b.append("\nDecide in one of three ways:\n");
    int way = 1;
    String link = ch.approveStateMachineLink();
    b.append(way++).append(". Step Functions console: open the ApprovePromotion state machine")
        .append(link == null ? " (deployed with the stack)" : "\n   " + link)
        .append("\n   choose \"Start execution\" and give as input:\n   ")
        .append(consoleInput(s, "approve", "evidence reviewed")).append("\n   (\"decision\": \"reject\" to stop the rollout; the console records who started it)\n");
    b.append(way++).append(". CLI: ").append(ch.cli()).append(" approve ").append(id).append(" --reason \"...\"")
        .append("   or   ").append(ch.cli()).append(" reject ").append(id).append(" --reason \"...\"\n");
    String api = ch.apiBaseUrl() == null ? "https://<your API>" : ch.apiBaseUrl();
    b.append(way).append(". API (IAM-authenticated): POST ").append(api).append("/rollouts/").append(id)
        .append("/approve   or   POST ").append(api).append("/rollouts/").append(id)
        .append("/reject   with body {\"reason\": \"...\"}\n");
    String exec = ch.executionLink(s.executionArn());
    b.append("\nWaiting execution: ").append(exec != null ? exec : s.executionArn() == null ? "(none recorded)" : s.executionArn())
        .append('\n');
    if (timeout != null) {
      b.append("Without a decision within ").append(Texts.duration(timeout))
          .append(" the rollout is rejected automatically and the canary set to 0%.\n");
    }
    b.append("Meanwhile the health check keeps watching the canary every 15 minutes and rolls it back on a regression.\n");

    String subject = "[llm-canary] Approval needed: " + s.application() + "/" + id + " stage " + (stage + 1) + " of "
        + s.plan().size() + " (" + now + ") -> " + (nextIsLast ? "promote" : Percent.text(s.plan().percent(stage + 1)))
        + (inconclusive ? " (gate inconclusive)" : "");
    return new Alert(Alert.Kind.APPROVAL_NEEDED, s.application(), id, subject, b.toString());
  }

  /** The exact input of an ApprovePromotion execution. */
  static String consoleInput(RolloutState s, String decision, String reason) {
    return PastedInput.spaced().text("application", s.application()).text("rolloutId", s.rolloutId())
        .text("decision", decision).text("reason", reason).toString();
  }
}
