package io.llmcanary.core.embedded;

import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollout store in memory, with the same conditional-write contract as DynamoDB: a replace wins only if
 * the stored version is the expected one. For the local runner, the simulator and handler tests.
 */
public final class InMemoryRolloutStore implements RolloutStore {

  private final Map<String, RolloutState> states = new ConcurrentHashMap<>();
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
    return states.values().stream().filter(s -> !s.status().isTerminal()).toList();
  }

  @Override
  public boolean create(RolloutState state) {
    return states.putIfAbsent(key(state.application(), state.rolloutId()), state) == null;
  }

  @Override
  public boolean replace(RolloutState next, long expectedVersion) {
    boolean[] won = {false};
    states.computeIfPresent(key(next.application(), next.rolloutId()), (k, current) -> {
      if (current.version() == expectedVersion) {
        won[0] = true;
        return next;
      }
      return current;
    });
    return won[0];
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
