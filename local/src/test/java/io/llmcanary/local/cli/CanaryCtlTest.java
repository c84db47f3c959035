package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.local.CanaryCtl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

class CanaryCtlTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new CanaryCtl().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheCommandsAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("demo", "simulate", "Exit codes");
  }

  @Test
  void anUnknownCommandIsAUsageErrorThatListsTheCommands() {
    assertThat(run("deploy")).isEqualTo(2);
    assertThat(err()).contains("unknown command 'deploy'").contains("demo");
  }

  @Test
  void anUnknownOptionIsAUsageErrorNamingIt() {
    assertThat(run("simulate", "--scenario", "aa", "--trails", "3")).isEqualTo(2);
    assertThat(err()).contains("unknown option --trails");
  }

  @Test
  void anUnknownScenarioListsTheKnownOnes() {
    assertThat(run("simulate", "--scenario", "quality-99")).isEqualTo(2);
    assertThat(err()).contains("quality-20").contains("errors-3x");
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    assertThat(run("simulate", "--help")).isZero();
    assertThat(out()).contains("--scenario=NAME").contains("--users=N");
  }

  @Test
  void theDemoPromotesTheHealthyCanaryAndRollsBackTheRegressingOne(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("demo.html");
    assertThat(run("demo", "--json", "--report", report.toString())).isZero();
    JsonNode doc = Json.MAPPER.readTree(out());
    String html = Files.readString(report);
    assertThat(html).contains("<svg").contains("Rollout 2").doesNotContain("<script").doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(err()).contains("Report with charts: " + report.toAbsolutePath());
    assertThat(doc.get("healthy").get("outcome").asText()).isEqualTo("PROMOTED");
    assertThat(doc.get("regressing").get("outcome").asText()).isEqualTo("ROLLED_BACK");
  }

  @Test
  void simulateWithJsonReportsBothPoliciesInTheDocumentedShape() throws Exception {
    assertThat(run("simulate", "--scenario", "broken", "--trials", "4", "--json")).isZero();
    JsonNode doc = Json.MAPPER.readTree(out());
    assertThat(doc.get("scenario").asText()).isEqualTo("broken");
    for (String p : List.of("judge", "naive")) {
      JsonNode policy = doc.get("policies").get(p);
      assertThat(policy.has("falseRollbackRate")).isTrue();
      assertThat(policy.get("detectionRate").asDouble()).isEqualTo(1.0);
      assertThat(policy.get("detectionDelayChecks").has("median")).isTrue();
      assertThat(policy.get("outcomes").get("ROLLED_BACK").asInt()).isEqualTo(4);
    }
  }
}
