package io.llmcanary.core.qualityjudge;

import io.llmcanary.core.ports.JudgeHandoff;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Keeps a queue that is down from slowing the proxy's sampled requests. The hand-off it wraps is already bounded
 * (a short timeout, no retries), but a queue that is down would still cost every sampled request that bound. After
 * {@code threshold} hand-offs in a row have failed, the breaker opens: for {@code coolDown} every hand-off is refused
 * at once ({@link OpenException}, which {@link JudgeDispatch} counts as a failed, dropped hand-off) without calling
 * the queue. Then a single hand-off is let through as a probe: if it reaches the queue the breaker closes, if not it
 * stays open for another {@code coolDown}. A queue that is down thus costs at most {@code threshold} bounded waits,
 * then one per {@code coolDown}, whatever the traffic.
 */
public final class HandoffBreaker implements JudgeHandoff {

  public static final int DEFAULT_THRESHOLD = 3;
  public static final Duration DEFAULT_COOL_DOWN = Duration.ofSeconds(30);

  private final JudgeHandoff inner;
  private final int threshold;
  private final long coolDownNanos;
  private final LongSupplier nanoTime;
  private int consecutiveFailures;
  private long openedAt;

  public HandoffBreaker(JudgeHandoff inner, int threshold, Duration coolDown, LongSupplier nanoTime) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1");
    }
    this.threshold = threshold;
    this.coolDownNanos = coolDown.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  public HandoffBreaker(JudgeHandoff inner) {
    this(inner, DEFAULT_THRESHOLD, DEFAULT_COOL_DOWN, System::nanoTime);
  }

  @Override
  public void handOff(JudgeTask task) {
    admit();
    try {
      inner.handOff(task);
    } catch (RuntimeException e) {
      failed();
      throw e;
    }
    succeeded();
  }

  /** Whether hand-offs are being refused without calling the queue. */
  public synchronized boolean open() {
    return consecutiveFailures >= threshold && nanoTime.getAsLong() - openedAt < coolDownNanos;
  }

  private synchronized void admit() {
    if (consecutiveFailures < threshold) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - openedAt < coolDownNanos) {
      throw new OpenException();
    }
    openedAt = now; // this call is the probe; others wait for its outcome's cool-down
  }

  private synchronized void failed() {
    consecutiveFailures++;
    if (consecutiveFailures >= threshold) {
      openedAt = nanoTime.getAsLong();
    }
  }

  private synchronized void succeeded() {
    consecutiveFailures = 0;
  }

  /** The hand-off was refused because the last ones failed; the queue was not called. */
  public static final class OpenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OpenException() {
      super("the judge queue's last hand-offs failed: dropped without calling it", null, false, false);
    }
  }
}
