package io.llmcanary.local.cli;

import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.local.promotion.LocalPromotionState;
import io.llmcanary.local.promotion.RolloutText;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code canaryctl history ROLLOUT}: the audit trail of a rollout: every transition and decision, who, when, why. */
public final class HistoryCommand implements Command {

  private final Remote.Clients clients;

  public HistoryCommand() {
    this(Remote.Clients.standard());
  }

  HistoryCommand(Remote.Clients clients) {
    this.clients = clients;
  }

  @Override
  public String name() {
    return "history";
  }

  @Override
  public String summary() {
    return "show a rollout's audit trail: who moved it, when, why, with the comparison tables (local state)";
  }

  @Override
  public String help() {
    return """
        Usage: ./canaryctl history ROLLOUT [--stack NAME] [--region R] [--json]
               ./canaryctl history ROLLOUT --local [--state DIR] [--json]

        Prints the audit trail of ROLLOUT, oldest first: its start, every stage applied, every gate verdict with
        its comparison table, approval requests, decisions (and refused ones), rollbacks, the promotion, alerts
        that could not be delivered, and workflow failures; each with who, when and why. On the stack it reads
        GET /rollouts/ROLLOUT (signed); with --local, the local state.

        Options:
        """ + Remote.HELP + PromotionOptions.STATE_HELP + """

        Exit codes: 0 shown, 1 no such rollout, 2 usage error.
        """;
  }

  @Override
  public int run(List<String> argv, PrintStream out, PrintStream err) {
    Args a = Args.parse(argv, Remote.flags(PromotionOptions.FLAGS), Remote.valued(Set.of("state")));
    if (a.positionals().size() != 1) {
      throw new Args.UsageException("expected one rollout id, e.g. history concise-2026-11-26");
    }
    String id = a.positionals().get(0);
    Optional<String> stack = Remote.stackName(a, clients);
    if (stack.isPresent()) {
      return Remote.connect("history", stack.get(), a, clients, err)
          .map(t -> RemoteRollouts.history(id, t, a.flag("json"), out, err)).orElse(FAILED);
    }
    try (LocalPromotionState state = PromotionOptions.open(a, null, err)) {
      state.catchUp();
      state.save();
      Optional<InProcessWorkflow.Execution> e = state.workflow().executions().stream()
          .filter(x -> x.rolloutId().equals(id)).findFirst();
      if (e.isEmpty()) {
        err.println("canaryctl history: no rollout " + id + " in " + state.directory());
        return FAILED;
      }
      List<AuditEvent> events = state.store().history(e.get().application(), id);
      if (a.flag("json")) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", e.get().application());
        m.put("rolloutId", id);
        m.put("events", events.stream().map(RolloutText::event).toList());
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
