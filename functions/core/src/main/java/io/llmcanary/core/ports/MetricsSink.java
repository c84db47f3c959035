package io.llmcanary.core.ports;

import io.llmcanary.core.metrics.RequestMetrics;

/** Where the proxy records per-request metrics (an EMF line on stdout in Lambda). Must not block. */
public interface MetricsSink {

  void record(RequestMetrics metrics);
}
