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

/** compare on the local state: judged on the EMF lines the local proxy printed, or refused saying how to get them. */
class CompareLocalTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    List<String> argv = new ArrayList<>(List.of(args));
    argv.add("--state");
    argv.add(dir.resolve("state").toString());
    return new CanaryCtl().run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private JsonNode json() throws Exception {
    return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private String start(String id) throws Exception {
    Path version = Path.of(System.getProperty("canary.root", "..")).resolve("docs/canary-version.example.json");
    assertThat(run("start", "--canary", version.toString(), "--id", id, "--reason", "test")).as(err.toString()).isZero();
    assertThat(run("status", id, "--json")).isZero();
    return json().path("rollouts").get(0).path("stageStartedAt").asText();
  }

  /** What `canaryctl serve` prints: JSON log lines and one EMF line per request; the canary fails half its requests. */
  private Path serveLog(String app, String id, Instant from) throws Exception {
    EmfEncoder emf = new EmfEncoder(EmfEncoder.DEFAULT_NAMESPACE);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      boolean canary = i % 10 == 0;
      boolean error = canary ? i % 20 == 0 : i % 100 == 1;
      lines.add("{\"level\":\"INFO\",\"message\":\"chat\"}");
      lines.add(emf.encode(new RequestMetrics(app, id, canary ? Variant.CANARY : Variant.STABLE, "req-" + i,
          "offline", error ? "error" : "stop", from.toEpochMilli() + 1000L * i, error, 1200, 300, 200,
          error ? 0 : 0.004, null)));
    }
    Path f = dir.resolve("serve.log");
    Files.write(f, lines);
    return f;
  }

  @Test
  void withoutMetricsCompareRefusesSayingTheLocalStateKeepsNoneAndHowToRecordThem() throws Exception {
    start("loc-1");

    assertThat(run("compare", "loc-1")).isEqualTo(1);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("keeps no metrics").contains("./canaryctl serve --config")
        .contains("--metrics serve.log");
  }

  @Test
  void theProxysEmfLinesAreJudgedWithTheHealthChecksRollbackCheck() throws Exception {
    Instant stage = Instant.parse(start("loc-2"));
    Path log = serveLog("support-chat", "loc-2", stage.plusSeconds(1));

    assertThat(run("compare", "--metrics", log.toString(), "--json")).as(err.toString()).isZero();

    JsonNode c = json();
    assertThat(c.path("rolloutId").asText()).isEqualTo("loc-2");
    assertThat(c.path("requests").path("canary").asLong()).isEqualTo(200);
    assertThat(c.path("requests").path("stable").asLong()).isEqualTo(1800);
    assertThat(c.path("guardrailsFrom").asText()).isEqualTo("deployed config");
    assertThat(c.path("outcome").asText()).isEqualTo("REGRESSION");
    assertThat(c.path("rows").findValuesAsText("metric")).contains("error_rate", "p95_latency", "avg_cost");
    assertThat(c.path("reason").asText()).contains("error_rate");

    assertThat(run("compare", "loc-2", "--metrics", log.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("REGRESSION").contains("error_rate")
        .contains("requests: stable 1800, canary 200");

    assertThat(run("compare", "nope", "--metrics", log.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no rollout nope");
  }
}
