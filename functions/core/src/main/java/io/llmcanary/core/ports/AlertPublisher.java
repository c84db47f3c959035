package io.llmcanary.core.ports;

/** Delivers alerts (SNS in AWS, the console locally). */
public interface AlertPublisher {

  /** Throws {@link AlertDeliveryException} when the alert could not be handed over; callers record it as pending. */
  void publish(Alert alert) throws AlertDeliveryException;

  final class AlertDeliveryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AlertDeliveryException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
