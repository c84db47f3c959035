package io.llmcanary.local.cli;

import io.llmcanary.codec.RolloutJson;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code canaryctl history ROLLOUT}: the audit trail of a rollout: every transition and decision, who, when, why. */
@Command(name = "history",
    header = "show a rollout's audit trail: who moved it, when, why, with the comparison tables",
    customSynopsis = {
        "./canaryctl history ROLLOUT [--stack NAME] [--region R] [--json]",
        "       ./canaryctl history ROLLOUT --local [--state DIR] [--json]"},
    description = """
        Prints the audit trail of ROLLOUT, oldest first: its start, every stage applied, every gate verdict with
        its comparison table, approval requests, decisions (and refused ones), rollbacks, the promotion, alerts
        that could not be delivered, and workflow failures; each with who, when and why. On the stack it reads
        GET /rollouts/ROLLOUT (signed); with --local, the local state.""",
    exitCodeList = {"0:shown", "1:no such rollout", "2:usage error"})
public final class HistoryCommand implements Subcommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "ROLLOUT", description = "the rollout id")
  String rolloutId;

  @Mixin
  PromotionOptions promotion;

  @Override
  public int run(PrintStream out, PrintStream err) {
    String id = RolloutOptions.required(rolloutId, "history");
    Optional<String> stack = promotion.where.stackName();
    if (stack.isPresent()) {
      return promotion.where.onStack("history", stack.get(), err,
          t -> RemoteRollouts.history(id, t, promotion.json, out, err));
    }
    try (LocalPromotionState state = promotion.open(null, err)) {
      state.catchUp();
      state.save();
      Optional<InProcessWorkflow.Execution> e = state.workflow().executions().stream()
          .filter(x -> x.rolloutId().equals(id)).findFirst();
      if (e.isEmpty()) {
        err.println("canaryctl history: no rollout " + id + " in " + state.directory());
        return FAILED;
      }
      List<AuditEvent> events = state.store().history(e.get().application(), id);
      if (promotion.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", e.get().application());
        m.put("rolloutId", id);
        m.put("events", events.stream().map(RolloutJson::event).toList());
        m.put("workflowPath", e.get().path());
        out.println(JsonOutput.write(m));
      } else {
        RolloutText.printHistory(events, out);
        out.println("workflow: " + String.join(" -> ", e.get().path()));
      }
      return OK;
    }
  }
}
