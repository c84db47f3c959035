package io.llmcanary.core.embedded;

import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Alerts kept in memory and handed to a printer (the console locally). {@link #failNext(int)} makes the next
 * deliveries fail, to exercise the pending-alert path.
 */
public final class RecordingAlertPublisher implements AlertPublisher {

  private final List<Alert> delivered = new CopyOnWriteArrayList<>();
  private final Consumer<Alert> printer;
  private volatile int failures;

  public RecordingAlertPublisher(Consumer<Alert> printer) {
    this.printer = printer;
  }

  public RecordingAlertPublisher() {
    this(a -> { });
  }

  public void failNext(int n) {
    failures = n;
  }

  @Override
  public synchronized void publish(Alert alert) {
    if (failures > 0) {
      failures--;
      throw new AlertDeliveryException("simulated delivery failure", null);
    }
    delivered.add(alert);
    printer.accept(alert);
  }

  public List<Alert> delivered() {
    return List.copyOf(delivered);
  }
}
