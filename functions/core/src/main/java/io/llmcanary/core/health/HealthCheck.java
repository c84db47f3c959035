package io.llmcanary.core.health;

import io.llmcanary.core.alerts.RollbackAlert;
import io.llmcanary.core.change.ChangeReport;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.ports.AlertPublisher;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollback.Reconciler;
import io.llmcanary.core.rollback.RollbackAction;
import io.llmcanary.core.rollback.RollbackAction.StepOutcome;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The 15-minute health check (docs/architecture.md#the-health-check-run), as plain logic over ports. For each rollout that is running or
 * still owes work it:
 *
 * <ol>
 *   <li>finishes what the rollout owes (a rollback's canary 0%, its page, failing the waiting approval: whoever finds
 *       owed work finishes it, see {@link RollbackAction});</li>
 *   <li>judges everything since the stage began plus the last hour, and leaves the verdict with its table in the
 *       audit trail;</li>
 *   <li>on REGRESSION, stops the canary through the one {@link RollbackAction}.</li>
 * </ol>
 *
 * Then, every scheduled run, the {@link Reconciler} compares what the rollout state allows with what AppConfig has
 * deployed and takes users off a canary they should not be on.
 */
public final class HealthCheck {

  private final RolloutStore store;
  private final MetricsQuery metrics;
  private final ConfigPublisher config;
  private final CanaryPolicy policy;
  private final Clock clock;
  private final HealthCheckSettings settings;
  private final RollbackAction rollback;
  private final Reconciler reconciler;

  public HealthCheck(RolloutStore store, MetricsQuery metrics, ConfigPublisher config, AlertPublisher alerts,
      ApprovalGateway approvals, CanaryPolicy policy, Clock clock, HealthCheckSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.config = Objects.requireNonNull(config, "config");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.rollback = new RollbackAction(store, config, alerts, approvals, clock);
    this.reconciler = new Reconciler(store, config, alerts, clock);
  }

  /** One run. Failures of one rollout are reported in its result; the store being unreachable throws. */
  public HealthCheckReport run(HealthCheckRequest request) {
    Instant now = clock.instant();
    ConfigRead cfg = readConfig();
    List<RolloutCheck> results = new ArrayList<>();
    Map<String, RolloutState> targets = new LinkedHashMap<>();
    if (request.named()) {
      String app = request.application() != null && !request.application().isBlank() ? request.application()
          : cfg.config() != null && request.rolloutId().equals(cfg.config().rolloutId()) ? cfg.config().application()
          : RolloutConfig.DEFAULT_APPLICATION;
      Optional<RolloutState> s = store.get(app, request.rolloutId());
      if (s.isEmpty()) {
        results.add(new RolloutCheck(app, request.rolloutId(), RolloutCheck.Action.NOT_FOUND, null,
            "no rollout " + app + "/" + request.rolloutId() + " in the rollout store", null, List.of()));
      } else {
        targets.put(key(s.get()), s.get());
      }
    } else {
      for (RolloutState s : store.active()) {
        targets.put(key(s), s);
      }
      // The deployed config names its rollout until the next one starts: an ended one that still owes work is
      // found there even when the index lags.
      if (cfg.config() != null) {
        store.get(cfg.config().application(), cfg.config().rolloutId()).filter(RolloutState::owes)
            .ifPresent(s -> targets.putIfAbsent(key(s), s));
      }
    }
    for (RolloutState s : targets.values()) {
      try {
        results.add(check(s, cfg, now));
      } catch (RuntimeException e) {
        results.add(new RolloutCheck(s.application(), s.rolloutId(), RolloutCheck.Action.FAILED, null,
            "check failed, the next run retries: " + describe(e), null, List.of(), 0));
      }
    }
    Reconciler.Result reconciled = request.named() ? null : reconciler.reconcile();
    return new HealthCheckReport(now, results, reconciled);
  }

  /** Steps 1–3 for one rollout, each its own method below. */
  private RolloutCheck check(RolloutState s, ConfigRead cfg, Instant now) {
    Owed owed = finishOwed(s);
    s = owed.state();
    if (s.status().isTerminal()) {
      return owed.steps().isEmpty()
          ? result(s, RolloutCheck.Action.NO_OP, null, "rollout is " + s.status() + " with nothing owed", null,
              List.of())
          : result(s, RolloutCheck.Action.RESUMED, null, "finished owed steps of the " + s.status() + " rollout",
              null, owed.steps());
    }
    Guardrails g = guardrailsFor(s, cfg.config());
    return switch (judge(s, g, now)) {
      case Judged.NotJudged gap -> result(s, RolloutCheck.Action.NOT_JUDGED, gap.verdict().outcome(),
          gap.verdict().reason(), null, owed.steps());
      case Judged.Verdicted j when j.verdict().outcome() != Outcome.REGRESSION -> result(s,
          RolloutCheck.Action.JUDGED, j.verdict().outcome(), j.verdict().reason(), j.verdict().table(), owed.steps());
      case Judged.Verdicted j -> rollBack(s, j, g, cfg, now);
    };
  }

  /** What step 1 leaves: the rollout as it is now, and the owed steps it finished. */
  private record Owed(RolloutState state, List<StepOutcome> steps) {}

  /** Step 1: finishes what the rollout owes (whoever finds owed work finishes it). */
  private Owed finishOwed(RolloutState s) {
    if (!s.owes()) {
      return new Owed(s, List.of());
    }
    List<StepOutcome> resumed = rollback.finish(s);
    return new Owed(store.get(s.application(), s.rolloutId()).orElse(s), resumed);
  }

  /** What step 2 found: a verdict on the windows read, or no verdict because they could not be read. */
  private sealed interface Judged {
    Verdict verdict();

    record Verdicted(JudgeInput input, Verdict verdict) implements Judged {}

    record NotJudged(Verdict verdict) implements Judged {}
  }

  /** Step 2: judges everything since the stage began plus the last hour, and leaves the verdict in the audit trail. */
  private Judged judge(RolloutState s, Guardrails g, Instant now) {
    JudgeInput input;
    Verdict v;
    try {
      input = metrics.fetch(s.application(), s.rolloutId(), s.stageStartedAt(), now);
      v = policy.rollbackCheck(input, g);
    } catch (RuntimeException e) {
      // No data is never a reason to roll back: record the gap, count it, look again next run.
      Verdict gap = new Verdict(Outcome.INCONCLUSIVE, Verdict.Kind.ROLLBACK_CHECK, List.of(),
          "metrics unavailable: " + describe(e));
      store.append(AuditEvent.judged(s, now, settings.actor(), "VERDICT", gap.outcome(), gap.reason(), null));
      return new Judged.NotJudged(gap);
    }
    store.append(AuditEvent.judged(s, now, settings.actor(), "VERDICT", v.outcome(), v.reason(), v.table()));
    return new Judged.Verdicted(input, v);
  }

  /** Step 3: a REGRESSION stops the canary through the one {@link RollbackAction}, with the alert it composes. */
  private RolloutCheck rollBack(RolloutState s, Judged.Verdicted j, Guardrails g, ConfigRead cfg, Instant now) {
    Verdict v = j.verdict();
    JudgeInput evidence = j.input();
    RolloutConfig c = cfg.config();
    ChangeReport change = c != null && c.rolloutId().equals(s.rolloutId()) ? ChangeReport.of(c).orElse(null) : null;
    RollbackAction.Stop stop = new RollbackAction.Stop(
        new RolloutCommand.RollBack(settings.actor(), "health check: " + v.reason()), v.table(), null,
        before -> RollbackAlert.compose(before, v, evidence, g, now, settings.commands(), change));
    return switch (rollback.stop(s.application(), s.rolloutId(), stop)) {
      case RollbackAction.Result.Stopped st -> result(st.state(), RolloutCheck.Action.ROLLED_BACK, v.outcome(),
          v.reason(), v.table(), st.steps());
      case RollbackAction.Result.AlreadyEnded e -> result(e.state(), RolloutCheck.Action.NO_OP, v.outcome(),
          "REGRESSION, but another writer ended the rollout first (" + e.state().status() + ")", v.table(),
          e.steps());
      case RollbackAction.Result.Refused r -> result(r.state(), RolloutCheck.Action.NO_OP, v.outcome(),
          "REGRESSION, but " + r.reason(), v.table(), List.of());
      case RollbackAction.Result.KeptLosing k -> result(k.state(), RolloutCheck.Action.FAILED, v.outcome(),
          "REGRESSION, but the ROLLED_BACK write kept losing races; the next run tries again", v.table(), List.of());
    };
  }

  /**
   * The guardrails a rollout is judged with: the deployed config's when that config is this rollout's (it names its
   * rollout until the next one starts), else the defaults. The rollout API shows the same choice, so an operator's
   * {@code compare} judges as this check does.
   *
   * @param deployed the config AppConfig has deployed, or null when it could not be read
   */
  public static Guardrails guardrailsFor(RolloutState s, RolloutConfig deployed) {
    return deploysGuardrailsOf(s, deployed) ? deployed.guardrails() : Guardrails.defaults();
  }

  /** Whether {@link #guardrailsFor} takes the deployed config's guardrails (else the defaults). */
  public static boolean deploysGuardrailsOf(RolloutState s, RolloutConfig deployed) {
    return deployed != null && deployed.rolloutId().equals(s.rolloutId())
        && deployed.application().equals(s.application());
  }

  private ConfigRead readConfig() {
    try {
      return new ConfigRead(config.deployedConfig());
    } catch (RuntimeException e) {
      return new ConfigRead(null);
    }
  }

  private static RolloutCheck result(RolloutState s, RolloutCheck.Action action, Outcome outcome, String reason,
      String table, List<StepOutcome> steps) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      lines.add((i + 1) + ". " + steps.get(i));
    }
    int failed = (int) steps.stream().filter(o -> !o.done()).count();
    return new RolloutCheck(s.application(), s.rolloutId(), action, outcome, reason, table, lines, failed);
  }

  private static String key(RolloutState s) {
    return s.application() + "\u0000" + s.rolloutId();
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private record ConfigRead(RolloutConfig config) {}
}
