package io.llmcanary.core.ports;

import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import java.util.List;
import java.util.Optional;

/**
 * Rollout state and audit trail (DynamoDB in AWS). Writes are conditional: a state is written only if the
 * stored one still has the version it was derived from, so of two racing writers exactly one wins.
 */
public interface RolloutStore {

  Optional<RolloutState> get(String application, String rolloutId);

  /** Rollouts that are not terminal, across applications. */
  List<RolloutState> active();

  /** Stores a new rollout; false if one with this id exists already. */
  boolean create(RolloutState state);

  /**
   * Replaces the stored state if its version is still {@code expectedVersion}; false if another writer won.
   */
  boolean replace(RolloutState next, long expectedVersion);

  void append(AuditEvent event);

  /** The audit trail, oldest first. */
  List<AuditEvent> history(String application, String rolloutId);
}
