package io.llmcanary.core.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs several actors (a health-check run, a workflow step, an approval) as if concurrently, but one at a time and
 * deterministically: every call an actor makes to a port is a {@link #point}, where the seeded random source picks
 * which actor goes on, and where the {@link FaultPlan} may inject a fault or a crash. The same seed gives the same
 * interleaving and the same faults, so a failing schedule is reproduced by its seed.
 *
 * <p>A crash is an {@link Error} ({@link Crash}), so the code under test, which catches {@link RuntimeException}s,
 * cannot catch it: the in-flight action is dropped the way a process that dies drops it; only what the ports
 * stored survives.
 */
final class Interleaver {

  /** The process died here. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String where) {
      super("crash " + where, null, false, false);
    }
  }

  private final Random random;
  private final FaultPlan faults;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<String> live = new ArrayList<>();
  private final ThreadLocal<String> me = new ThreadLocal<>();
  private String turn;
  /** What each actor's run ended with: null (normally), or the exception or crash. */
  private final Map<String, Throwable> endings = new LinkedHashMap<>();

  Interleaver(Random random, FaultPlan faults) {
    this.random = random;
    this.faults = faults;
  }

  FaultPlan faults() {
    return faults;
  }

  Random random() {
    return random;
  }

  /** Runs the actors to their end, interleaved at their points; answers how each ended. */
  Map<String, Throwable> run(Map<String, Runnable> actors) {
    endings.clear();
    List<Thread> threads = new ArrayList<>();
    lock.lock();
    try {
      live.addAll(actors.keySet());
    } finally {
      lock.unlock();
    }
    for (Map.Entry<String, Runnable> a : actors.entrySet()) {
      String name = a.getKey();
      threads.add(Thread.ofVirtual().name(name).unstarted(() -> {
        me.set(name);
        Throwable ending = null;
        awaitTurn(name);
        try {
          a.getValue().run();
        } catch (Crash | RuntimeException e) {
          ending = e;
        } finally {
          lock.lock();
          try {
            endings.put(name, ending);
            live.remove(name);
            pick();
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    lock.lock();
    try {
      pick();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new LinkedHashMap<>(endings);
  }

  /** Before a port call: maybe a fault (thrown), then another actor may go first. */
  void point(String label) {
    faults.before(label, random);
    yieldTurn();
  }

  /** After a port call took effect: the process may die before it hears back. */
  void after(String label) {
    faults.after(label, random);
  }

  /** Whether a port should fail a conditional write that would have succeeded (a spurious condition failure). */
  boolean spuriousConditionFailure(String label) {
    return faults.spurious(label, random);
  }

  private void yieldTurn() {
    String name = me.get();
    if (name == null) {
      return; // the driver itself: nothing to interleave with
    }
    lock.lock();
    try {
      pick();
      changed.signalAll();
      while (!name.equals(turn)) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  private void awaitTurn(String name) {
    lock.lock();
    try {
      while (!name.equals(turn)) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  private void pick() {
    turn = live.isEmpty() ? null : live.get(random.nextInt(live.size()));
  }
}
