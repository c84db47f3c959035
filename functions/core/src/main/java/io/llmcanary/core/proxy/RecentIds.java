package io.llmcanary.core.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent ids seen, bounded: refuses a second feedback on the same request within one container, so one
 * client cannot pour a thousand votes through one token. Across containers a duplicate can still get through;
 * that needs a conditional write to a shared store (see the issue note).
 */
final class RecentIds {

  private final Map<String, Boolean> seen;

  RecentIds(int capacity) {
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True the first time an id is seen (while it is remembered), false after. */
  synchronized boolean firstTime(String id) {
    return seen.putIfAbsent(id, Boolean.TRUE) == null;
  }
}
