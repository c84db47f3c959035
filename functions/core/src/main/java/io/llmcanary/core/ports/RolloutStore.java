package io.llmcanary.core.ports;

import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.RolloutState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rollout state and audit trail (DynamoDB in AWS). Writes are conditional: a state is written only if the
 * stored one still has the version it was derived from, so of two racing writers exactly one wins.
 *
 * <p>One rollout at a time per application (docs/architecture.md#rollout-state) is the store's guarantee, not its callers': a rollout
 * that is not terminal holds its application's <em>claim</em>. {@link #create} takes the claim in the same atomic
 * write as the state, and refuses while another rollout holds it; a {@link #replace} into a terminal status
 * gives the claim back in the same atomic write. A check of {@link #active()} before creating is only a
 * friendlier early answer: that list may lag, and two callers can both see it empty.
 */
public interface RolloutStore {

  Optional<RolloutState> get(String application, String rolloutId);

  /**
   * Rollouts that need looking at, across applications: those that are not terminal, and ended ones that still owe
   * work. May lag behind the latest writes (a cache, an index).
   */
  List<RolloutState> active();

  /**
   * Stores a new rollout and, when it is not terminal, claims its application for it; atomically, so of any number
   * of racing creates for one application at most one gets {@link CreateResult.Created}. Refused with
   * {@link CreateResult.IdTaken} when a rollout with this id exists (whatever its status; this wins over a busy
   * application), with {@link CreateResult.ApplicationBusy} while another rollout holds the application. A claim
   * held by this same rollout id blocks nothing. A state that is terminal already (a saved one restored) is stored
   * without a claim and is never refused as busy.
   */
  CreateResult create(RolloutState state);

  /**
   * Replaces the stored state if its version is still {@code expectedVersion}; false if another writer won (or
   * no state is stored). {@code event}, when given, is the audit event of this write (the transition it records)
   * and is written in the same atomic write, so a change never lands without its record (docs/architecture.md#rollout-state). When
   * {@code next} is terminal the application's claim, if this rollout holds it, is given back in the same atomic
   * write, so a new rollout can start at once; a claim held by another rollout is left alone. A replace never takes
   * a claim.
   */
  boolean replace(RolloutState next, long expectedVersion, AuditEvent event);

  /** {@link #replace(RolloutState, long, AuditEvent)} of bookkeeping that records no event of its own. */
  default boolean replace(RolloutState next, long expectedVersion) {
    return replace(next, expectedVersion, null);
  }

  /** Appends a decision that changed no state (a verdict, a step's outcome). */
  void append(AuditEvent event);

  /** The audit trail, oldest first. */
  List<AuditEvent> history(String application, String rolloutId);

  /** What {@link #create} did; a refusal says what stands in the way, so a person can act on it. */
  sealed interface CreateResult {

    /** The rollout is stored (and, unless terminal, holds its application's claim). */
    record Created() implements CreateResult {}

    /** A rollout with this id exists already in this application; nothing was written. */
    record IdTaken(String rolloutId) implements CreateResult {
      public IdTaken {
        Objects.requireNonNull(rolloutId, "rolloutId");
      }
    }

    /** Another rollout of the application is not terminal yet and holds its claim; nothing was written. */
    record ApplicationBusy(String application, String activeRolloutId) implements CreateResult {
      public ApplicationBusy {
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(activeRolloutId, "activeRolloutId");
      }
    }
  }
}
