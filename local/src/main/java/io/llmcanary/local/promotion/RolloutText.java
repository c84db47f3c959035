package io.llmcanary.local.promotion;

import io.llmcanary.codec.RolloutJson;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.promotion.WorkflowRoutes.State;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.Percent;
import io.llmcanary.core.rollout.RolloutState;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How the promotion commands show rollouts, workflow executions, audit trails and alerts, as text and as JSON. */
public final class RolloutText {

  private RolloutText() {}

  /** One line about what the workflow of a rollout waits for. */
  public static String workflowLine(Optional<InProcessWorkflow.Execution> e, String cli) {
    if (e.isEmpty()) {
      return "no workflow";
    }
    InProcessWorkflow.Execution x = e.get();
    if (x.awaitingDecision()) {
      return "waiting for a decision (until " + x.deadline() + "): " + cli + " approve " + x.rolloutId()
          + " --reason \"...\"  or  " + cli + " reject " + x.rolloutId() + " --reason \"...\"";
    }
    if (x.state() == State.WAIT_STAGE) {
      return "running the stage; its gate runs at " + x.waitUntil()
          + (x.inconclusiveWaits() > 0 ? " (extra wait " + x.inconclusiveWaits() + " after an inconclusive gate)" : "");
    }
    if (x.ended()) {
      return "ended at " + x.state().aslName();
    }
    return "at " + x.state().aslName();
  }

  public static String configLine(RolloutConfig c) {
    String stable = c.version(Variant.STABLE).map(v -> v.model()).orElse("none");
    String canary = c.version(Variant.CANARY).map(v -> v.model()).orElse(null);
    return "config: rollout " + c.rolloutId() + ", canary " + Percent.text(c.canaryPercent()) + ", stable " + stable
        + (canary == null ? "" : ", canary " + canary);
  }

  public static Map<String, Object> rollout(RolloutState s, Optional<InProcessWorkflow.Execution> e, String cli) {
    Map<String, Object> m = RolloutJson.summary(s);
    m.put("reason", s.reason());
    m.put("workflow", workflowLine(e, cli));
    e.ifPresent(x -> {
      m.put("workflowState", x.state().aslName());
      m.put("awaitingDecision", x.awaitingDecision());
      m.put("gateAt", x.waitUntil() == null ? null : x.waitUntil().toString());
      m.put("decisionDeadline", x.deadline() == null ? null : x.deadline().toString());
    });
    return m;
  }

  public static void printHistory(List<AuditEvent> events, PrintStream out) {
    for (AuditEvent e : events) {
      String move = e.fromStatus() == e.toStatus() ? String.valueOf(e.toStatus()) : e.fromStatus() + " -> " + e.toStatus();
      out.printf("%s  %-22s %-16s stage %d  %s%n    %s%n", e.at(), e.type(), move, e.stageIndex() + 1, e.actor(),
          e.reason());
      if (e.table() != null && !e.table().isBlank()) {
        e.table().lines().forEach(l -> out.println("      " + l));
      }
    }
  }

  /** Alerts go to stderr, so stdout stays the command's answer (and valid JSON with --json). */
  public static void printAlert(Alert a, PrintStream err) {
    err.println("== alert " + a.kind() + ": " + a.subject());
    a.body().lines().forEach(l -> err.println("   " + l));
  }

}
