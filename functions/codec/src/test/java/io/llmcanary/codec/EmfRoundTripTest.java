package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.core.config.Variant;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class EmfRoundTripTest {

  private final EmfEncoder encoder = new EmfEncoder("LlmCanary");

  @Property
  void anEncodedRequestReadsBackTheSame(@ForAll String app, @ForAll String rollout, @ForAll Variant version,
      @ForAll String requestId, @ForAll boolean error, @ForAll @DoubleRange(min = 0, max = 120_000) double latency,
      @ForAll @LongRange(min = 0, max = 1_000_000) long in, @ForAll @LongRange(min = 0, max = 1_000_000) long out,
      @ForAll @DoubleRange(min = 0, max = 10) double cost, @ForAll boolean hasQuality,
      @ForAll @DoubleRange(min = 0, max = 1) double quality, @ForAll boolean checkFailure) {
    RequestMetrics m = new RequestMetrics(app, rollout, version, requestId, "model-x", "stop", 1_764_000_000_000L,
        error, latency, in, out, cost, hasQuality ? quality : null, checkFailure, null, null);
    assertThat(EmfParser.parse(encoder.encode(m))).contains(m);
  }

  @Test
  void aFeedbackRecordCarriesOnlyQuality() throws Exception {
    RequestMetrics f = RequestMetrics.feedback("chat", "r1", Variant.CANARY, "req-1", 1_764_000_000_000L, 0.0);
    String line = encoder.encode(f);
    JsonNode n = Json.MAPPER.readTree(line);
    assertThat(n.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics")).hasSize(1);
    assertThat(n.has("Requests")).isFalse();
    RequestMetrics back = EmfParser.parse(line).orElseThrow();
    assertThat(back.isFeedbackOnly()).isTrue();
    assertThat(back.quality()).isEqualTo(0.0);
  }

  @Test
  void aRequestLineCountsCheckFailuresApartFromQuality() throws Exception {
    RequestMetrics m = new RequestMetrics("chat", "r1", Variant.CANARY, "req", "m", "max_tokens", 1L, false, 812.5, 10,
        20, 0.001, null, true, null, null);
    JsonNode n = Json.MAPPER.readTree(encoder.encode(m));
    assertThat(n.get("CheckFailures").asInt()).isEqualTo(1);
    assertThat(n.has("Quality")).isFalse();
    assertThat(EmfParser.parse(encoder.encode(m)).orElseThrow().checkFailure()).isTrue();
  }

  @Test
  void aJudgeGradeIsItsOwnLineWithoutRequestsAndReadsBack() throws Exception {
    RequestMetrics grade = RequestMetrics.judged("chat", "r1", Variant.STABLE, "req-1", 5L, 0.75, null);
    JsonNode n = Json.MAPPER.readTree(encoder.encode(grade));
    assertThat(n.has("Requests")).isFalse();
    assertThat(n.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").toString()).contains("JudgeScore");
    assertThat(EmfParser.parse(encoder.encode(grade))).contains(grade);

    RequestMetrics pref = RequestMetrics.judged("chat", "r1", Variant.CANARY, "req-2", 5L, null, 0.5);
    JsonNode p = Json.MAPPER.readTree(encoder.encode(pref));
    assertThat(p.get("Preference").asDouble()).isEqualTo(0.5);
    assertThat(p.get("PreferenceSquares").asDouble()).isEqualTo(0.25);
    RequestMetrics back = EmfParser.parse(encoder.encode(pref)).orElseThrow();
    assertThat(back).isEqualTo(pref);
    assertThat(back.isJudgeOnly()).isTrue();
  }

  @Test
  void theLineIsValidEmfWithTheThreeDimensions() throws Exception {
    RequestMetrics m = new RequestMetrics("chat", "r1", Variant.STABLE, "req", "m", "stop", 1L, false, 812.5, 10, 20,
        0.00123, 1.0);
    JsonNode n = Json.MAPPER.readTree(encoder.encode(m));
    JsonNode directive = n.get("_aws").get("CloudWatchMetrics").get(0);
    assertThat(directive.get("Namespace").asText()).isEqualTo("LlmCanary");
    assertThat(directive.get("Dimensions").get(0).toString()).isEqualTo("[\"Application\",\"Rollout\",\"Version\"]");
    for (JsonNode metric : directive.get("Metrics")) {
      assertThat(n.has(metric.get("Name").asText())).as("value for %s", metric).isTrue();
    }
    assertThat(n.get("Version").asText()).isEqualTo("stable");
  }

  @Test
  void ordinaryLogLinesAreNotMistakenForMetrics() {
    assertThat(EmfParser.parse("{\"level\":\"INFO\",\"message\":\"hi\"}")).isEmpty();
    assertThat(EmfParser.parse("not json")).isEmpty();
  }
}
