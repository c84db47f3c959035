package io.llmcanary.core.faults;

import java.util.Random;

/**
 * Which faults a schedule injects and how often: a port call fails before it takes effect (throttling, a timeout,
 * a conflict: the caller sees an exception), a conditional write fails although nobody else wrote, or the process
 * dies (before the call, or after it took effect but before the caller heard back). Off once the schedule's faults
 * stop; counts what it injected.
 */
final class FaultPlan {

  /** A fault the port answers with: what the SDK would throw for throttling, a timeout or a conflict. */
  static final class InjectedFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFault(String message) {
      super(message, null, false, false);
    }
  }

  private final double rate;
  private final double crashShare;
  private boolean active = true;
  int faults;
  int crashes;

  FaultPlan(double rate, double crashShare) {
    this.rate = rate;
    this.crashShare = crashShare;
  }

  void stop() {
    active = false;
  }

  boolean active() {
    return active;
  }

  void before(String label, Random random) {
    if (!active || random.nextDouble() >= rate) {
      return;
    }
    if (random.nextDouble() < crashShare) {
      crashes++;
      throw new Interleaver.Crash("before " + label);
    }
    faults++;
    String kind = switch (random.nextInt(3)) {
      case 0 -> "ThrottlingException: Rate exceeded";
      case 1 -> "SdkClientException: Unable to execute HTTP request: Read timed out";
      default -> "ServiceUnavailableException: Service unavailable";
    };
    throw new InjectedFault(label + ": " + kind + " (injected)");
  }

  void after(String label, Random random) {
    if (active && random.nextDouble() < rate * crashShare) {
      crashes++;
      throw new Interleaver.Crash("after " + label);
    }
  }

  boolean spurious(String label, Random random) {
    if (active && random.nextDouble() < rate / 2) {
      faults++;
      return true;
    }
    return false;
  }
}
