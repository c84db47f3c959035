package io.llmcanary.aws.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.testing.AwsEndpoint;
import io.llmcanary.testing.CborToJsonBridge;
import io.llmcanary.testing.AwsIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * PutMetricData then the adapter's GetMetricData against moto: counts, sums and averages per version and window
 * (moto computes no percentiles, so p95 comes back as no data; the contract test covers p95).
 */
@AwsIntegrationTest
class CloudWatchMetricsQueryIT {

  static CborToJsonBridge bridge;
  static CloudWatchClient cw;
  static final String APP = "chat";

  @BeforeAll
  static void start(AwsEndpoint aws) throws Exception {
    bridge = new CborToJsonBridge(aws.uri());
    cw = aws.configure(CloudWatchClient.builder()).endpointOverride(bridge.uri()).build();
  }

  @AfterAll
  static void stop() {
    if (cw != null) {
      cw.close();
    }
    if (bridge != null) {
      bridge.close();
    }
  }

  static MetricDatum datum(String rollout, String version, String name, double value, Instant at) {
    return MetricDatum.builder().metricName(name).value(value).timestamp(at)
        .unit(name.equals("Latency") ? StandardUnit.MILLISECONDS : name.equals("Requests") || name.equals("Errors")
            ? StandardUnit.COUNT : StandardUnit.NONE)
        .dimensions(Dimension.builder().name("Application").value(APP).build(),
            Dimension.builder().name("Rollout").value(rollout).build(),
            Dimension.builder().name("Version").value(version).build())
        .build();
  }

  /** One request as the EMF line would record it. */
  static List<MetricDatum> request(String rollout, String version, Instant at, boolean error, double cost,
      Double quality) {
    List<MetricDatum> d = new ArrayList<>();
    d.add(datum(rollout, version, "Requests", 1, at));
    d.add(datum(rollout, version, "Errors", error ? 1 : 0, at));
    d.add(datum(rollout, version, "Latency", 1000, at));
    d.add(datum(rollout, version, "Cost", cost, at));
    if (quality != null) {
      d.add(datum(rollout, version, "Quality", quality, at));
    }
    return d;
  }

  @Test
  void countsSumsAndAveragesPerVersionAndWindow() {
    String namespace = "LlmCanaryIT-" + UUID.randomUUID();
    String rollout = "r-" + UUID.randomUUID();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant stage = now.minus(Duration.ofHours(3));
    List<MetricDatum> data = new ArrayList<>();
    // Stable: 20 requests two hours ago (2 errors), 10 in the last hour (1 error); quality on every other one.
    for (int i = 0; i < 20; i++) {
      data.addAll(request(rollout, "stable", now.minus(Duration.ofMinutes(120 + i)), i < 2, 0.004,
          i % 2 == 0 ? 0.8 : null));
    }
    for (int i = 0; i < 10; i++) {
      data.addAll(request(rollout, "stable", now.minus(Duration.ofMinutes(5 + i)), i == 0, 0.004,
          i % 2 == 0 ? 0.9 : null));
    }
    // Canary: 6 requests in the last hour, 3 errors, quality 0.5 on two of them.
    for (int i = 0; i < 6; i++) {
      data.addAll(request(rollout, "canary", now.minus(Duration.ofMinutes(10 + i)), i % 2 == 0, 0.01,
          i < 2 ? 0.5 : null));
    }
    // Another rollout's data must not leak in.
    data.addAll(request("other", "canary", now.minus(Duration.ofMinutes(10)), true, 1, 0.0));
    for (int i = 0; i < data.size(); i += 20) {
      List<MetricDatum> batch = data.subList(i, Math.min(data.size(), i + 20));
      cw.putMetricData(b -> b.namespace(namespace).metricData(batch));
    }

    JudgeInput in = new CloudWatchMetricsQuery(cw, namespace).fetch(APP, rollout, stage, now.plusSeconds(30));

    VersionStats s = in.stage().stable();
    assertThat(s.requests()).isEqualTo(30);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.costSum()).isCloseTo(0.12, Offset.offset(1e-9));
    assertThat(s.qualityCount()).isEqualTo(15);
    assertThat(s.meanQuality()).isCloseTo((10 * 0.8 + 5 * 0.9) / 15, Offset.offset(1e-9));
    VersionStats c = in.stage().canary();
    assertThat(c.requests()).isEqualTo(6);
    assertThat(c.errors()).isEqualTo(3);
    assertThat(c.meanCost()).isCloseTo(0.01, Offset.offset(1e-9));
    assertThat(c.meanQuality()).isCloseTo(0.5, Offset.offset(1e-9));

    VersionStats recent = in.recent().stable();
    assertThat(recent.requests()).isEqualTo(10);
    assertThat(recent.errors()).isEqualTo(1);
    assertThat(recent.meanQuality()).isCloseTo(0.9, Offset.offset(1e-9));
    assertThat(in.recent().canary().requests()).isEqualTo(6);
  }

  @Test
  void noDataIsZeroRequests() {
    Instant now = Instant.now();
    JudgeInput in = new CloudWatchMetricsQuery(cw, "LlmCanaryIT-empty-" + UUID.randomUUID())
        .fetch(APP, "nothing", now.minus(Duration.ofHours(2)), now);
    assertThat(in.stage().canary().requests()).isZero();
    assertThat(in.stage().stable().requests()).isZero();
  }
}
