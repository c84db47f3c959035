package io.llmcanary.aws.cloudwatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.testing.Cbor;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * GetMetricData on the wire, including what no free emulator does (percentile statistics). The SDK speaks Smithy
 * RPC v2 CBOR to CloudWatch: POST /service/GraniteServiceVersion20100801/operation/GetMetricData with a CBOR body;
 * the response is a CBOR map {MetricDataResults: [{Id, Label, Timestamps (tag 1), Values, StatusCode}], Messages}
 * (shapes from the CloudWatch API reference, GetMetricData).
 */
class CloudWatchMetricsQueryContractTest {

  static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
  static WireMockServer wm;
  static CloudWatchClient cw;

  static final Instant STAGE = Instant.parse("2026-11-26T09:00:30Z");
  static final Instant NOW = Instant.parse("2026-11-26T11:00:45Z");

  @BeforeAll
  static void start() {
    wm = new WireMockServer(wireMockConfig().dynamicPort());
    wm.start();
    cw = CloudWatchClient.builder().endpointOverride(URI.create(wm.baseUrl())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  @AfterAll
  static void stop() {
    cw.close();
    wm.stop();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
  }

  static Map<String, Object> result(String id, List<Instant> ts, List<Double> values, String status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", id);
    m.put("Label", id);
    m.put("Timestamps", ts);
    m.put("Values", values);
    m.put("StatusCode", status);
    return m;
  }

  static List<Map<String, Object>> version(String p, String status) {
    Instant t1 = Instant.parse("2026-11-26T09:00:00Z");
    Instant t2 = Instant.parse("2026-11-26T09:05:00Z");
    List<Instant> two = List.of(t1, t2);
    boolean stable = p.equals("s_");
    List<Map<String, Object>> r = new ArrayList<>();
    r.add(result(p + "req", two, stable ? List.of(600.0, 400.0) : List.of(30.0, 20.0), status));
    r.add(result(p + "err", two, stable ? List.of(6.0, 4.0) : List.of(3.0, 2.0), status));
    r.add(result(p + "cost", two, stable ? List.of(2.4, 1.6) : List.of(0.12, 0.08), status));
    r.add(result(p + "qn", two, stable ? List.of(180.0, 120.0) : List.of(9.0, 6.0), status));
    r.add(result(p + "qs", two, stable ? List.of(153.0, 102.0) : List.of(7.2, 4.8), status));
    r.add(result(p + "p95s", two, stable ? List.of(1900.0, 2050.0) : List.of(2300.0, 2500.0), status));
    r.add(result(p + "p95", List.of(t1), stable ? List.of(1980.0) : List.of(2450.0), status));
    r.add(result(p + "chk", two, stable ? List.of(7.0, 3.0) : List.of(1.0, 1.0), status));
    r.add(result(p + "jn", two, stable ? List.of(20.0, 20.0) : List.of(20.0, 20.0), status));
    r.add(result(p + "js", two, stable ? List.of(15.0, 13.0) : List.of(12.0, 10.0), status));
    if (!stable) {
      r.add(result(p + "pn", two, List.of(10.0, 10.0), status));
      r.add(result(p + "ps", two, List.of(4.5, 5.0), status));
      r.add(result(p + "pq", two, List.of(3.0, 3.5), status));
    }
    return r;
  }

  static void respond(String canaryStatus) {
    List<Map<String, Object>> results = new ArrayList<>(version("s_", "Complete"));
    results.addAll(version("c_", canaryStatus));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("MetricDataResults", results);
    body.put("Messages", List.of());
    wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/cbor").withHeader("smithy-protocol", "rpc-v2-cbor")
        .withBody(Cbor.write(body))));
  }

  @Test
  void twoCallsStageAndLastHourWithExactSumsAndP95() {
    respond("Complete");
    JudgeInput in = new CloudWatchMetricsQuery(cw, "LlmCanary").fetch("chat", "r-1", STAGE, NOW);

    VersionStats s = in.stage().stable();
    assertThat(s.requests()).isEqualTo(1000);
    assertThat(s.errors()).isEqualTo(10);
    assertThat(s.costSum()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.qualityCount()).isEqualTo(300);
    assertThat(s.qualitySum()).isCloseTo(255.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.latencyP95Ms()).isEqualTo(1980.0);
    assertThat(s.latencyP95Series()).containsExactly(1900.0, 2050.0);
    assertThat(s.checkFailures()).isEqualTo(10);
    assertThat(s.judge()).isEqualTo(new io.llmcanary.core.metrics.ScoreStats(40, 28.0, Double.NaN));
    assertThat(s.preference().count()).isZero();
    VersionStats c = in.stage().canary();
    assertThat(c.requests()).isEqualTo(50);
    assertThat(c.checkFailures()).isEqualTo(2);
    assertThat(c.preference()).isEqualTo(new io.llmcanary.core.metrics.ScoreStats(20, 9.5, 6.5));
    assertThat(c.latencyP95Ms()).isEqualTo(2450.0);
    assertThat(in.stage().from()).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
    assertThat(in.stage().to()).isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
    assertThat(in.recent().from()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));

    List<LoggedRequest> calls = wm.findAll(postRequestedFor(urlEqualTo(PATH)));
    assertThat(calls).hasSize(2);
    JsonNode first = Cbor.read(calls.get(0).getBody());
    assertThat(calls.get(0).getHeader("smithy-protocol")).isEqualTo("rpc-v2-cbor");
    assertThat(first.get("StartTime").asDouble()).isEqualTo(Instant.parse("2026-11-26T09:00:00Z").getEpochSecond());
    assertThat(first.get("EndTime").asDouble()).isEqualTo(Instant.parse("2026-11-26T11:00:00Z").getEpochSecond());
    assertThat(first.get("ScanBy").asText()).isEqualTo("TimestampAscending");
    JsonNode queries = first.get("MetricDataQueries");
    assertThat(queries).hasSize(26);
    assertThat(find(queries, "c_chk").at("/MetricStat/Metric/MetricName").asText()).isEqualTo("CheckFailures");
    assertThat(find(queries, "c_jn").at("/MetricStat/Stat").asText()).isEqualTo("SampleCount");
    assertThat(find(queries, "c_pq").at("/MetricStat/Metric/MetricName").asText()).isEqualTo("PreferenceSquares");
    JsonNode p95 = find(queries, "c_p95");
    assertThat(p95.at("/MetricStat/Stat").asText()).isEqualTo("p95");
    assertThat(p95.at("/MetricStat/Period").asInt()).isEqualTo(7200);
    assertThat(p95.at("/MetricStat/Metric/Namespace").asText()).isEqualTo("LlmCanary");
    assertThat(p95.at("/MetricStat/Metric/MetricName").asText()).isEqualTo("Latency");
    JsonNode dims = p95.at("/MetricStat/Metric/Dimensions");
    assertThat(dims.toString()).contains("\"Name\":\"Application\",\"Value\":\"chat\"")
        .contains("\"Name\":\"Rollout\",\"Value\":\"r-1\"").contains("\"Name\":\"Version\",\"Value\":\"canary\"");
    JsonNode series = find(queries, "s_p95s");
    assertThat(series.at("/MetricStat/Period").asInt()).isEqualTo(300);
    assertThat(find(queries, "s_qn").at("/MetricStat/Stat").asText()).isEqualTo("SampleCount");
    assertThat(find(queries, "s_req").at("/MetricStat/Metric/MetricName").asText()).isEqualTo("Requests");

    JsonNode second = Cbor.read(calls.get(1).getBody());
    assertThat(second.get("StartTime").asDouble()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z").getEpochSecond());
    assertThat(find(second.get("MetricDataQueries"), "s_p95").at("/MetricStat/Period").asInt()).isEqualTo(3600);
  }

  @Test
  void partialDataGivesEmptyStatsForThatVersion() {
    respond("PartialData");
    JudgeInput in = new CloudWatchMetricsQuery(cw, null).fetch("chat", "r-1", STAGE, NOW);
    assertThat(in.stage().canary()).isEqualTo(VersionStats.EMPTY);
    assertThat(in.stage().stable().requests()).isEqualTo(1000);
  }

  @Test
  void aYoungStageNeedsOneCall() {
    respond("Complete");
    JudgeInput in = new CloudWatchMetricsQuery(cw, null).fetch("chat", "r-1", NOW.minusSeconds(1200), NOW);
    assertThat(wm.findAll(postRequestedFor(urlEqualTo(PATH)))).hasSize(1);
    assertThat(in.recent()).isEqualTo(in.stage());
  }

  @Test
  void noDataIsZeroRequestsAndNoP95() {
    wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/cbor").withHeader("smithy-protocol", "rpc-v2-cbor")
        .withBody(Cbor.write(Map.of("MetricDataResults", List.of(), "Messages", List.of())))));
    JudgeInput in = new CloudWatchMetricsQuery(cw, null).fetch("chat", "r-1", STAGE, NOW);
    assertThat(in.stage().canary().requests()).isZero();
    assertThat(in.stage().canary().latencyP95Ms()).isNaN();
    assertThat(in.stage().canary().latencyP95Series()).isEmpty();
  }

  @Test
  void longStagesStayWithinOneCallsDatapointLimit() {
    respond("Complete");
    Instant now = Instant.parse("2026-11-26T11:00:00Z");
    new CloudWatchMetricsQuery(cw, null, java.time.Duration.ofMinutes(1)).fetch("chat", "r-1",
        now.minus(java.time.Duration.ofDays(14)), now);
    JsonNode q = Cbor.read(wm.findAll(postRequestedFor(urlEqualTo(PATH))).get(0).getBody()).get("MetricDataQueries");
    int period = find(q, "s_req").at("/MetricStat/Period").asInt();
    long points = (long) CloudWatchMetricsQuery.SERIES_PER_CALL * (14 * 86400 / period) + 2;
    assertThat(points).isLessThanOrEqualTo(100_800);
    assertThat(period % 60).isZero();
  }

  private static JsonNode find(JsonNode queries, String id) {
    for (JsonNode q : queries) {
      if (q.get("Id").asText().equals(id)) {
        return q;
      }
    }
    throw new AssertionError("no query " + id + " in " + queries);
  }
}
