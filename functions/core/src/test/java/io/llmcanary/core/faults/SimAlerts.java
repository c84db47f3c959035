package io.llmcanary.core.faults;

import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher;
import java.util.ArrayList;
import java.util.List;

/** SNS behind injected faults: a failed publish is an {@link AlertDeliveryException}; what got through is kept. */
final class SimAlerts implements AlertPublisher {

  private final Interleaver io;
  final List<Alert> delivered = new ArrayList<>();

  SimAlerts(Interleaver io) {
    this.io = io;
  }

  @Override
  public void publish(Alert alert) {
    try {
      io.point("sns.Publish");
    } catch (FaultPlan.InjectedFault e) {
      throw new AlertDeliveryException(e.getMessage(), e);
    }
    delivered.add(alert);
    io.after("sns.Publish");
  }
}
