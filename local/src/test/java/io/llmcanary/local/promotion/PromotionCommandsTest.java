package io.llmcanary.local.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.local.CanaryCtl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** start, approve, reject, status and history on a local state directory, through canaryctl itself. */
class PromotionCommandsTest {

  @TempDir
  Path dir;

  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  private int run(String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    List<String> argv = new ArrayList<>(List.of(args));
    argv.add("--state");
    argv.add(dir.resolve("state").toString());
    return new CanaryCtl().run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private JsonNode json() throws Exception {
    return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path version(String json) throws Exception {
    Path f = dir.resolve("version-" + System.nanoTime() + ".json");
    Files.writeString(f, json);
    return f;
  }

  private Path example() {
    return Path.of(System.getProperty("canary.root", "..")).resolve("docs/canary-version.example.json");
  }

  private RolloutConfig servedConfig() throws Exception {
    return RolloutConfigCodec.parseOrThrow(Files.readString(dir.resolve("state/config.json")));
  }

  /** Lets the one-second stage run out, then asks status (which lets the workflow catch up). */
  private JsonNode statusAfterTheStage(String id) throws Exception {
    Thread.sleep(1_100);
    assertThat(run("status", id, "--json")).isZero();
    return json().path("rollouts").get(0);
  }

  @Test
  void aRolloutStartsWaitsForApprovalAndMovesOnWhenApproved() throws Exception {
    assertThat(run("start", "--canary", example().toString(), "--id", "concise-1", "--stage-seconds", "1",
        "--max-inconclusive-waits", "0", "--json")).as(err()).isZero();
    assertThat(json().path("applied").asBoolean()).isTrue();
    assertThat(servedConfig().canaryPercent()).isEqualTo(5.0);
    assertThat(servedConfig().rolloutId()).isEqualTo("concise-1");

    assertThat(run("approve", "concise-1", "--json")).isEqualTo(1);
    assertThat(json().path("message").asText()).contains("is not waiting for approval");

    JsonNode waiting = statusAfterTheStage("concise-1");
    assertThat(waiting.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(waiting.path("awaitingDecision").asBoolean()).isTrue();
    assertThat(err()).contains("alert APPROVAL_NEEDED").contains("./canaryctl approve concise-1");

    assertThat(run("approve", "concise-1", "--reason", "looks fine")).as(err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("stage 2 of 4 (25%)");
    assertThat(servedConfig().canaryPercent()).isEqualTo(25.0);

    assertThat(run("history", "concise-1", "--json")).isZero();
    JsonNode history = json();
    assertThat(history.path("events").findValuesAsText("type")).containsSubsequence("STARTED", "GATE", "TRANSITION",
        "TRANSITION", "STAGE_APPLIED");
    assertThat(history.path("events").findValuesAsText("reason")).contains("looks fine");
    assertThat(history.path("workflowPath").toString()).contains("AwaitApproval");
  }

  @Test
  void aRejectionEndsTheRolloutAndTheNextOneMayStart() throws Exception {
    run("start", "--canary", example().toString(), "--id", "first", "--stage-seconds", "1", "--max-inconclusive-waits", "0");
    statusAfterTheStage("first");

    assertThat(run("reject", "first", "--reason", "tone is off")).as(err()).isZero();
    assertThat(servedConfig().canaryPercent()).isZero();
    assertThat(run("reject", "first")).isEqualTo(1);
    assertThat(err()).contains("was already rejected");

    assertThat(run("start", "--canary", example().toString(), "--id", "second")).as(err()).isZero();
    assertThat(run("status", "--all", "--json")).isZero();
    assertThat(json().path("rollouts").findValuesAsText("status")).containsExactly("REJECTED", "RUNNING");
  }

  @Test
  void aSecondRolloutIsRefusedWhileOneIsActive() throws Exception {
    assertThat(run("start", "--canary", example().toString(), "--id", "one")).isZero();
    assertThat(run("start", "--canary", example().toString(), "--id", "two")).isEqualTo(1);
    assertThat(err()).contains("rollout one is already active");
  }

  @Test
  void anInvalidVersionIsRefusedWithTheFieldNamed() throws Exception {
    Path typo = version("{\"model\": \"anthropic.claude-3-5-sonnet-20240620-v1:0\", \"systemPromt\": \"x\", \"maxTokens\": 10}");
    assertThat(run("start", "--canary", typo.toString(), "--id", "typo")).isEqualTo(1);
    assertThat(err()).contains("versions.canary.systemPromt");
    Path unpriced = version("{\"model\": \"deepseek-r1\", \"systemPrompt\": \"x\", \"maxTokens\": 10}");
    assertThat(run("start", "--canary", unpriced.toString(), "--id", "unpriced")).isEqualTo(1);
    assertThat(err()).contains("pricing.deepseek-r1");
    Path priced = version("{\"canary\": {\"model\": \"deepseek-r1\", \"systemPrompt\": \"x\", \"maxTokens\": 10},"
        + " \"pricing\": {\"deepseek-r1\": {\"inputPerMTok\": 0.55, \"outputPerMTok\": 2.19}}}");
    assertThat(run("start", "--canary", priced.toString(), "--id", "priced")).as(err()).isZero();
  }

  @Test
  void usageErrorsSayWhatIsMissing() {
    assertThat(run("start")).isEqualTo(2);
    assertThat(err()).contains("--canary VERSION.json is required");
    assertThat(run("approve")).isEqualTo(2);
    assertThat(err()).contains("expected one rollout id");
    assertThat(run("history", "nope")).isEqualTo(1);
    assertThat(err()).contains("no rollout nope");
  }
}
