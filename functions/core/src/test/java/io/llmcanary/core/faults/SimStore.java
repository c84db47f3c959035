package io.llmcanary.core.faults;

import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rollout store (the in-memory one, with DynamoDB's conditional-write contract) behind injected faults, which
 * also watches every write that took effect: the transitions that really happened (to hold the audit trail to them)
 * and any move of a rollout that had ended.
 */
final class SimStore implements RolloutStore {

  /** A change of status or stage that a write made. */
  record Moved(RolloutStatus from, RolloutStatus to, int stageIndex) {}

  private final Interleaver io;
  private final InMemoryRolloutStore delegate = new InMemoryRolloutStore();
  final List<Moved> moves = new ArrayList<>();
  final List<String> endedMovedAgain = new ArrayList<>();

  SimStore(Interleaver io) {
    this.io = io;
  }

  @Override
  public Optional<RolloutState> get(String application, String rolloutId) {
    io.point("dynamodb.GetItem");
    return delegate.get(application, rolloutId);
  }

  /** The stored state, read by the test itself (no fault, no interleaving). */
  Optional<RolloutState> peek(String application, String rolloutId) {
    return delegate.get(application, rolloutId);
  }

  List<AuditEvent> trail(String application, String rolloutId) {
    return delegate.history(application, rolloutId);
  }

  @Override
  public List<RolloutState> active() {
    io.point("dynamodb.Query");
    return delegate.active();
  }

  @Override
  public CreateResult create(RolloutState state) {
    io.point("dynamodb.TransactWriteItems(create)");
    CreateResult r = delegate.create(state);
    io.after("dynamodb.TransactWriteItems(create)");
    return r;
  }

  @Override
  public boolean replace(RolloutState next, long expectedVersion, AuditEvent event) {
    io.point("dynamodb.PutItem(replace)");
    if (io.spuriousConditionFailure("dynamodb.PutItem(replace)")) {
      return false;
    }
    RolloutState before = delegate.get(next.application(), next.rolloutId()).orElse(null);
    boolean won = delegate.replace(next, expectedVersion, event);
    if (won && before != null) {
      observe(before, next);
    }
    io.after("dynamodb.PutItem(replace)");
    return won;
  }

  private void observe(RolloutState before, RolloutState after) {
    boolean moved = before.status() != after.status() || before.stageIndex() != after.stageIndex();
    if (moved) {
      moves.add(new Moved(before.status(), after.status(), after.stageIndex()));
      if (before.status().isTerminal()) {
        endedMovedAgain.add(before.status() + " -> " + after.status() + " stage " + (after.stageIndex() + 1));
      }
    }
  }

  @Override
  public void append(AuditEvent event) {
    io.point("dynamodb.PutItem(audit)");
    delegate.append(event);
    io.after("dynamodb.PutItem(audit)");
  }

  @Override
  public List<AuditEvent> history(String application, String rolloutId) {
    io.point("dynamodb.Query(audit)");
    return delegate.history(application, rolloutId);
  }
}
