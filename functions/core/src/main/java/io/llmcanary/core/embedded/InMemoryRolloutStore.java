package io.llmcanary.core.embedded;

import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollout store in memory, with the same conditional-write contract as DynamoDB: a replace wins only if
 * the stored version is the expected one, and an application is claimed by at most one rollout that is not
 * terminal. For the local runner, the simulator and handler tests.
 *
 * <p>Writes (create, replace) run under one lock, so that checking the claim and the version and writing the
 * state and the claim are one step, as DynamoDB's transactions make them; reads take no lock.
 */
public final class InMemoryRolloutStore implements RolloutStore {

  private final Object writeLock = new Object();
  private final Map<String, RolloutState> states = new ConcurrentHashMap<>();
  /** application -> the rollout id that holds it; guarded by {@link #writeLock}. */
  private final Map<String, String> claims = new HashMap<>();
  private final Map<String, List<AuditEvent>> audit = new ConcurrentHashMap<>();

  private static String key(String application, String rolloutId) {
    return application + "\u0000" + rolloutId;
  }

  @Override
  public Optional<RolloutState> get(String application, String rolloutId) {
    return Optional.ofNullable(states.get(key(application, rolloutId)));
  }

  @Override
  public List<RolloutState> active() {
    return states.values().stream().filter(s -> !s.status().isTerminal() || s.owes()).toList();
  }

  @Override
  public CreateResult create(RolloutState state) {
    String app = state.application();
    String id = state.rolloutId();
    synchronized (writeLock) {
      if (states.containsKey(key(app, id))) {
        return new CreateResult.IdTaken(id);
      }
      boolean claims = !state.status().isTerminal();
      String holder = this.claims.get(app);
      if (claims && holder != null && !holder.equals(id)) {
        return new CreateResult.ApplicationBusy(app, holder);
      }
      states.put(key(app, id), state);
      if (claims) {
        this.claims.put(app, id);
      }
      return new CreateResult.Created();
    }
  }

  @Override
  public boolean replace(RolloutState next, long expectedVersion, AuditEvent event) {
    String k = key(next.application(), next.rolloutId());
    synchronized (writeLock) {
      RolloutState current = states.get(k);
      if (current == null || current.version() != expectedVersion) {
        return false;
      }
      states.put(k, next);
      if (event != null) {
        append(event);
      }
      if (next.status().isTerminal()) {
        // Give the application back only if this rollout holds it.
        claims.remove(next.application(), next.rolloutId());
      }
      return true;
    }
  }

  @Override
  public void append(AuditEvent event) {
    audit.computeIfAbsent(key(event.application(), event.rolloutId()), k -> new ArrayList<>());
    synchronized (audit.get(key(event.application(), event.rolloutId()))) {
      audit.get(key(event.application(), event.rolloutId())).add(event);
    }
  }

  @Override
  public List<AuditEvent> history(String application, String rolloutId) {
    List<AuditEvent> events = audit.getOrDefault(key(application, rolloutId), List.of());
    synchronized (events) {
      return List.copyOf(events);
    }
  }
}
