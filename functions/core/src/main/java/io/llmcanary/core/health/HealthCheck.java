package io.llmcanary.core.health;

import io.llmcanary.core.alerts.RollbackAlert;
import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher;
import io.llmcanary.core.ports.ApprovalGateway;
import io.llmcanary.core.ports.ConfigPublisher;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The 15-minute health check (DESIGN.md §2, §6–§8), as plain logic over ports: for each active rollout it
 * fetches everything since the stage began plus the last hour, asks the policy, and leaves the verdict with its
 * table in the audit trail. On REGRESSION it runs the rollback, in this order:
 *
 * <ol>
 *   <li>the conditional transition to ROLLED_BACK. Of two runs (or a run and a promotion) exactly one wins;
 *       the loser re-reads and becomes a no-op. The same write records everything the later steps owe
 *       ({@link RollbackWork}) and keeps the approval task token, so nothing is lost if the run dies after it;</li>
 *   <li>AppConfig: canary 0% with the IMMEDIATE speed (the publisher stops a running deployment first);</li>
 *   <li>the alert (a failed publish does not block the rest: it stays owed);</li>
 *   <li>failing the workflow's waiting approval task.</li>
 * </ol>
 *
 * After each step the owed work is written back conditionally. A later run finds a ROLLED_BACK rollout that
 * still owes work (through the current config, which names it until the next rollout starts, or by name on
 * demand), claims it with a conditional write once the previous owner's lease has run out, and finishes the open
 * steps. Each step is safe to repeat: publishing canary 0% twice changes nothing, failing a task that is gone
 * is an error that is counted and eventually given up. The one step that can repeat visibly is the alert, if a
 * run dies between SNS accepting it and the write that records it; a page twice is better than none.
 */
public final class HealthCheck {

  private final RolloutStore store;
  private final MetricsQuery metrics;
  private final ConfigPublisher config;
  private final AlertPublisher alerts;
  private final ApprovalGateway approvals;
  private final CanaryPolicy policy;
  private final Clock clock;
  private final HealthCheckSettings settings;

  public HealthCheck(RolloutStore store, MetricsQuery metrics, ConfigPublisher config, AlertPublisher alerts,
      ApprovalGateway approvals, CanaryPolicy policy, Clock clock, HealthCheckSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.config = Objects.requireNonNull(config, "config");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.approvals = Objects.requireNonNull(approvals, "approvals");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
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
      // A rollout rolled back by a run that died (or could not page) is terminal, so no longer "active"; the
      // config still names it until the next rollout starts, which is how its open steps are found again.
      if (cfg.config() != null) {
        store.get(cfg.config().application(), cfg.config().rolloutId())
            .filter(s -> s.status().isTerminal() && owesWork(s))
            .ifPresent(s -> targets.putIfAbsent(key(s), s));
      }
    }
    for (RolloutState s : targets.values()) {
      try {
        results.add(check(s, cfg, now));
      } catch (RuntimeException e) {
        results.add(new RolloutCheck(s.application(), s.rolloutId(), RolloutCheck.Action.FAILED, null,
            "check failed, the next run retries: " + describe(e), null, List.of()));
      }
    }
    return new HealthCheckReport(now, results);
  }

  private RolloutCheck check(RolloutState s, ConfigRead cfg, Instant now) {
    if (s.status().isTerminal()) {
      if (owesWork(s)) {
        return resume(s, now);
      }
      return result(s, RolloutCheck.Action.NO_OP, null, "rollout is " + s.status() + " with nothing owed", null,
          List.of());
    }
    List<String> steps = new ArrayList<>();
    if (s.pendingAlert() != null) {
      s = deliverPendingAlertOfActiveRollout(s, now, steps);
    }
    Guardrails g = guardrailsFor(s, cfg);
    JudgeInput input;
    Verdict v;
    try {
      input = metrics.fetch(s.application(), s.rolloutId(), s.stageStartedAt(), now);
      v = policy.rollbackCheck(input, g);
    } catch (RuntimeException e) {
      // No data is never a reason to roll back (DESIGN.md §8): record the gap and look again next run.
      input = null;
      v = new Verdict(Outcome.INCONCLUSIVE, Verdict.Kind.ROLLBACK_CHECK, List.of(),
          "metrics unavailable: " + describe(e));
    }
    store.append(AuditEvent.decision(s, now, settings.actor(), "VERDICT", v.outcome() + ": " + v.reason(),
        v.table()));
    if (v.outcome() != Outcome.REGRESSION) {
      return result(s, RolloutCheck.Action.JUDGED, v.outcome(), v.reason(), v.table(), steps);
    }
    return rollBack(s, v, input, g, cfg, now, steps);
  }

  private RolloutCheck rollBack(RolloutState s, Verdict v, JudgeInput input, Guardrails g, ConfigRead cfg,
      Instant now, List<String> steps) {
    Alert alert = RollbackAlert.compose(s, v, input, g, now, settings.commands());
    String reason = "health check: " + v.reason();
    RolloutState current = s;
    for (int attempt = 0; attempt < settings.maxTransitionTries(); attempt++) {
      Transition t = RolloutStateMachine.apply(current, new RolloutCommand.RollBack(settings.actor(), reason), now);
      if (t instanceof Transition.Refused r) {
        return result(current, RolloutCheck.Action.NO_OP, v.outcome(), "REGRESSION, but " + r.reason(), v.table(),
            steps);
      }
      Transition.Applied a = (Transition.Applied) t;
      RollbackWork work = new RollbackWork(true, true, current.taskToken() != null, 0, alert);
      // Keep the task token on the ROLLED_BACK state until step 4 has used it.
      RolloutState next = a.state().withBookkeeping(a.state().version(), now, current.taskToken(), work.encode());
      if (store.replace(next, current.version())) {
        AuditEvent e = a.event();
        store.append(new AuditEvent(e.application(), e.rolloutId(), e.at(), e.actor(), e.type(), e.fromStatus(),
            e.toStatus(), e.stageIndex(), e.reason(), v.table()));
        steps.add("1. " + RolloutStateMachine.describe(current) + " -> ROLLED_BACK");
        finish(next, work, now, steps, false);
        return result(next, RolloutCheck.Action.ROLLED_BACK, v.outcome(), v.reason(), v.table(), steps);
      }
      Optional<RolloutState> fresh = store.get(current.application(), current.rolloutId());
      if (fresh.isEmpty() || fresh.get().status().isTerminal()) {
        String other = fresh.map(f -> f.status().toString()).orElse("gone");
        return result(current, RolloutCheck.Action.NO_OP, v.outcome(),
            "REGRESSION, but another writer ended the rollout first (" + other + ")", v.table(), steps);
      }
      current = fresh.get();
    }
    return result(current, RolloutCheck.Action.FAILED, v.outcome(), "REGRESSION, but the ROLLED_BACK write lost "
        + settings.maxTransitionTries() + " races in a row; the next run tries again", v.table(), steps);
  }

  /** A terminal rollout that still owes rollback steps: claim it (unless a live run holds it) and finish. */
  private RolloutCheck resume(RolloutState s, Instant now) {
    Duration held = Duration.between(s.updatedAt(), now);
    if (held.compareTo(settings.lease()) < 0) {
      return result(s, RolloutCheck.Action.IN_PROGRESS, null, "open rollback steps were claimed " + held.toSeconds()
          + " s ago by another run; left to it (lease " + settings.lease().toMinutes() + " min)", null, List.of());
    }
    RolloutState claimed = s.withBookkeeping(s.version() + 1, now, s.taskToken(), s.pendingAlert());
    if (!store.replace(claimed, s.version())) {
      return result(s, RolloutCheck.Action.IN_PROGRESS, null, "another run claimed the open rollback steps first",
          null, List.of());
    }
    RollbackWork work = RollbackWork.decode(claimed.pendingAlert(), s.application(), s.rolloutId());
    if (work == null) {
      work = new RollbackWork(false, false, true, 0, null);
    } else if (claimed.taskToken() != null && !work.taskPending()) {
      work = new RollbackWork(work.configPending(), work.alertPending(), true, work.taskAttempts(), work.alert());
    }
    List<String> steps = new ArrayList<>();
    finish(claimed, work, now, steps, true);
    return result(claimed, RolloutCheck.Action.RESUMED, null, "finished open rollback steps", null, steps);
  }

  /** Steps 2–4 on a state this run owns; each step's result is written back before the next. */
  private void finish(RolloutState state, RollbackWork work, Instant now, List<String> steps, boolean resumed) {
    // An alert another function left pending (the promotion's) is delivered as it was written.
    boolean ours = state.pendingAlert() == null || state.pendingAlert().startsWith(RollbackWork.MAGIC);
    String configStatus = resumed && !work.configPending()
        ? "Canary traffic set to 0% in AppConfig (by an earlier run)." : null;
    if (work.configPending()) {
      String line;
      try {
        RolloutConfig current = config.currentConfig();
        if (current == null || !current.rolloutId().equals(state.rolloutId())
            || !current.application().equals(state.application())) {
          String other = current == null ? "none" : current.application() + "/" + current.rolloutId();
          line = "AppConfig: the current config describes rollout " + other + ", not this one; nothing to change";
          configStatus = "The AppConfig config serves rollout " + other + ", so this canary gets no traffic.";
        } else {
          // Published even when the latest version already says 0%: a run may have died between creating that
          // version and deploying it, and the publisher does not create a second identical version.
          config.publish(current.withCanaryPercent(0), ConfigPublisher.Speed.IMMEDIATE,
              "llm-canary health check: roll back " + state.rolloutId());
          line = "AppConfig: canary 0% deployed with the immediate strategy (was "
              + pct(current.canaryPercent()) + ")";
          configStatus = "Canary traffic set to 0% in AppConfig (immediate deployment; every proxy serves stable"
              + " within one agent poll interval, 45 s by default).";
        }
        work = work.configDone();
        store.append(step(state, now, "CONFIG_ROLLED_BACK", line));
      } catch (RuntimeException e) {
        line = "AppConfig: FAILED, retried by the next run: " + describe(e);
        configStatus = "ACTION NEEDED: the canary is NOT yet at 0% (" + describe(e) + "). The health check retries"
            + " every run; to do it now: ./canaryctl rollback " + state.rolloutId() + " --reason 'health check'";
        store.append(step(state, now, "CONFIG_ROLLBACK_FAILED", line));
      }
      steps.add("2. " + line);
      state = save(state, work, state.taskToken(), now);
      if (state == null) {
        steps.add("stopped: another run took over the open steps");
        return;
      }
    }
    if (work.alertPending() && work.alert() != null) {
      List<String> progress = new ArrayList<>();
      progress.add("Rollout set to ROLLED_BACK (final): the promotion workflow cannot advance it any more.");
      if (configStatus != null) {
        progress.add(configStatus);
      }
      progress.add(work.taskPending() && state.taskToken() != null
          ? "The waiting promotion approval is being failed (the workflow ends rolled back)."
          : "No promotion approval was waiting.");
      try {
        alerts.publish(ours ? RollbackAlert.withProgress(work.alert(), progress) : work.alert());
        work = work.alertSent();
        steps.add("3. alert sent: " + work.alert().subject());
        store.append(step(state, now, "ALERT_SENT", work.alert().subject()));
      } catch (RuntimeException e) {
        steps.add("3. alert NOT delivered, kept pending for the next run: " + describe(e));
        store.append(step(state, now, "ALERT_PENDING", describe(e)));
      }
      state = save(state, work, state.taskToken(), now);
      if (state == null) {
        steps.add("stopped: another run took over the open steps");
        return;
      }
    } else if (work.alertPending()) {
      work = work.alertSent();
    }
    if (work.taskPending()) {
      String token = state.taskToken();
      if (token == null) {
        work = work.taskDone();
        steps.add("4. no approval task was waiting");
      } else {
        try {
          approvals.reject(token, "RolledBack", "llm-canary health check rolled back rollout " + state.rolloutId()
              + ": " + state.reason());
          work = work.taskDone();
          token = null;
          steps.add("4. waiting approval task failed (SendTaskFailure)");
          store.append(step(state, now, "APPROVAL_TASK_FAILED", "the promotion workflow's approval task was failed"));
        } catch (RuntimeException e) {
          work = work.taskFailedOnce();
          if (isStaleToken(e)) {
            // The task no longer waits (decided, timed out, execution over): nothing left to fail.
            work = work.taskDone();
            token = null;
            steps.add("4. the approval task no longer waits: " + describe(e));
            store.append(step(state, now, "APPROVAL_TASK_GONE", describe(e)));
          } else if (work.taskAttempts() >= settings.maxTaskAttempts()) {
            work = work.taskDone();
            token = null;
            steps.add("4. failing the approval task failed " + work.taskAttempts() + " times; given up: "
                + describe(e));
            store.append(step(state, now, "APPROVAL_TASK_ABANDONED", describe(e)));
          } else {
            steps.add("4. failing the approval task failed, retried by the next run: " + describe(e));
            store.append(step(state, now, "APPROVAL_TASK_RETRY", describe(e)));
          }
        }
      }
      if (save(state, work, token, now) == null) {
        steps.add("stopped: another run took over the open steps");
      }
    } else {
      if (!resumed) {
        steps.add("4. no approval task was waiting");
      }
      if (state.pendingAlert() != null || state.taskToken() != null) {
        save(state, work, null, now);
      }
    }
  }

  /** An active rollout carrying an alert another step could not deliver (an approval request, say). */
  private RolloutState deliverPendingAlertOfActiveRollout(RolloutState s, Instant now, List<String> steps) {
    RollbackWork pending = RollbackWork.decode(s.pendingAlert(), s.application(), s.rolloutId());
    if (pending == null || pending.alert() == null || !pending.alertPending()) {
      return s;
    }
    try {
      alerts.publish(pending.alert());
    } catch (RuntimeException e) {
      steps.add("pending alert still not delivered: " + describe(e));
      return s;
    }
    steps.add("pending alert delivered: " + pending.alert().subject());
    store.append(step(s, now, "ALERT_SENT", pending.alert().subject()));
    RolloutState cleared = s.withBookkeeping(s.version() + 1, s.updatedAt(), s.taskToken(), null);
    return store.replace(cleared, s.version()) ? cleared : store.get(s.application(), s.rolloutId()).orElse(s);
  }

  private RolloutState save(RolloutState s, RollbackWork work, String taskToken, Instant now) {
    RolloutState next = s.withBookkeeping(s.version() + 1, now, taskToken, work.encode());
    return store.replace(next, s.version()) ? next : null;
  }

  /** The waiting task is gone (timed out, already completed): nothing left to fail. */
  private static boolean isStaleToken(RuntimeException e) {
    return e instanceof ApprovalGateway.StaleTaskTokenException;
  }

  private static boolean owesWork(RolloutState s) {
    return s.pendingAlert() != null || s.taskToken() != null;
  }

  private Guardrails guardrailsFor(RolloutState s, ConfigRead cfg) {
    RolloutConfig c = cfg.config();
    if (c != null && c.rolloutId().equals(s.rolloutId()) && c.application().equals(s.application())) {
      return c.guardrails();
    }
    return Guardrails.defaults();
  }

  private ConfigRead readConfig() {
    try {
      return new ConfigRead(config.currentConfig(), null);
    } catch (RuntimeException e) {
      return new ConfigRead(null, describe(e));
    }
  }

  private AuditEvent step(RolloutState s, Instant now, String type, String reason) {
    return AuditEvent.decision(s, now, settings.actor(), type, reason, null);
  }

  private static RolloutCheck result(RolloutState s, RolloutCheck.Action action, Outcome outcome, String reason,
      String table, List<String> steps) {
    return new RolloutCheck(s.application(), s.rolloutId(), action, outcome, reason, table, steps);
  }

  private static String key(RolloutState s) {
    return s.application() + "\u0000" + s.rolloutId();
  }

  private static String pct(double p) {
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private record ConfigRead(RolloutConfig config, String error) {}
}
