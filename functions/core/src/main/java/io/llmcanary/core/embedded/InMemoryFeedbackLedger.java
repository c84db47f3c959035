package io.llmcanary.core.embedded;

import io.llmcanary.core.ports.FeedbackLedger;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The feedback ledger in memory, with the contract of the DynamoDB one: for the local runner, tests and the
 * simulation. Shared by several proxies in one process, it stands for the shared table; one per container (no
 * table configured) it only stops replays within that container. Expired entries are dropped as it grows.
 */
public final class InMemoryFeedbackLedger implements FeedbackLedger {

  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();
  private int nextPurge = 1024;

  private record Entry(int count, Instant expiresAt) {}

  public InMemoryFeedbackLedger(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized boolean countWithinCap(String application, String rolloutId, String userKey, long hourEpoch,
      int cap, Instant expiresAt) {
    String key = "cap\u0000" + application + "\u0000" + rolloutId + "\u0000" + userKey + "\u0000" + hourEpoch;
    Entry e = live(key);
    int count = e == null ? 0 : e.count();
    if (count >= cap) {
      return false;
    }
    put(key, new Entry(count + 1, expiresAt));
    return true;
  }

  @Override
  public synchronized boolean firstUse(String application, String rolloutId, String requestId, Instant expiresAt) {
    String key = "use\u0000" + application + "\u0000" + rolloutId + "\u0000" + requestId;
    if (live(key) != null) {
      return false;
    }
    put(key, new Entry(1, expiresAt));
    return true;
  }

  /** Entries held (for tests of the purge). */
  public synchronized int size() {
    return entries.size();
  }

  private Entry live(String key) {
    Entry e = entries.get(key);
    return e == null || !e.expiresAt().isAfter(clock.instant()) ? null : e;
  }

  private void put(String key, Entry e) {
    entries.put(key, e);
    if (entries.size() >= nextPurge) {
      Instant now = clock.instant();
      entries.values().removeIf(x -> !x.expiresAt().isAfter(now));
      nextPurge = Math.max(1024, entries.size() * 2);
    }
  }
}
