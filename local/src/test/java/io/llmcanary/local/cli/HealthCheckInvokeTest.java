package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.config.Variant;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.local.CanaryCtl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code canaryctl invoke health-check} on the sample events, on embedded defaults. */
class HealthCheckInvokeTest {

  static final Path ROOT = Path.of(System.getProperty("canary.root", ".."));

  record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(out);
    }
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new CanaryCtl().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String event(String name) {
    return ROOT.resolve("events").resolve(name).toString();
  }

  @Test
  void scheduledEventOnHealthyTrafficJudgesWithoutRollback() throws Exception {
    Run r = run("invoke", "health-check", event("health-check-scheduled.json"), "--hours", "2");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rollout = r.json().get("rollouts").get(0);
    assertThat(rollout.get("rolloutId").asText()).isEqualTo("concise-2026-11-26");
    assertThat(rollout.get("action").asText()).isEqualTo("JUDGED");
    assertThat(rollout.get("verdict").asText()).isNotEqualTo("REGRESSION");
    assertThat(rollout.get("table").asText()).contains("avg_quality");
  }

  @Test
  void brokenCanaryIsRolledBackAndTheAlertPrinted() throws Exception {
    Run r = run("invoke", "health-check", event("health-check-on-demand.json"), "--traffic", "broken", "--hours", "1");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rollout = r.json().get("rollouts").get(0);
    assertThat(rollout.get("action").asText()).isEqualTo("ROLLED_BACK");
    assertThat(r.err()).contains("--- ALERT (SNS) ---").contains("Subject: ROLLED BACK support-chat/concise-2026-11-26");
  }

  @Test
  void emfLinesFromAFileAreJudged(@TempDir Path dir) throws Exception {
    EmfEncoder encoder = new EmfEncoder(null);
    List<String> lines = new ArrayList<>();
    lines.add("START RequestId: not an EMF line");
    Instant t = Instant.parse("2026-11-26T10:00:00Z");
    for (int i = 0; i < 60; i++) {
      boolean canary = i % 2 == 0;
      lines.add(encoder.encode(new RequestMetrics("support-chat", "concise-2026-11-26",
          canary ? Variant.CANARY : Variant.STABLE, "r" + i, "m", canary ? "error" : "stop",
          t.plusSeconds(10L * i).toEpochMilli(), canary, 900, 10, 10, 0.001, null)));
    }
    Path file = dir.resolve("emf.log");
    Files.write(file, lines);
    Run r = run("invoke", "health-check", event("health-check-scheduled.json"), "--metrics", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode rollout = r.json().get("rollouts").get(0);
    // 30 canary requests, all failed: past the hard ceiling (20% over at least 20 requests).
    assertThat(rollout.get("action").asText()).isEqualTo("ROLLED_BACK");
    assertThat(rollout.get("reason").asText()).contains("ceiling");
    assertThat(r.json().get("at").asText()).isEqualTo("2026-11-26T10:10:50Z");
  }

  @Test
  void usageErrors() {
    assertThat(run("invoke", "health-check").code()).isEqualTo(2);
    assertThat(run("invoke", "health-check", event("health-check-scheduled.json"), "--traffic", "nope").code())
        .isEqualTo(2);
    Run unknown = run("invoke", "nope-function", event("health-check-scheduled.json"));
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown function 'nope-function'").contains("health-check");
    assertThat(run("invoke", "--help").out()).contains("invoke chat-proxy").contains("invoke health-check");
    assertThat(run("invoke", "health-check", "no-such-file.json").code()).isEqualTo(1);
  }
}
