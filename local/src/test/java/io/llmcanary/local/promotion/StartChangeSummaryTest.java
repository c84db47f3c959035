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

/** canaryctl start and status say what a rollout changes and whether it needs a canary. */
class StartChangeSummaryTest {

  /** The stable version of infrastructure/appconfig/rollout-config.example.json, where a fresh state starts. */
  private static final String STABLE = "{\"model\": \"anthropic.claude-3-5-sonnet-20240620-v1:0\", \"provider\": \"bedrock\","
      + " \"systemPrompt\": \"You are a helpful assistant for Example Corp's customers.\", \"temperature\": 0.7,"
      + " \"maxTokens\": 1024}";

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

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private JsonNode json() throws Exception {
    return Json.MAPPER.readTree(out());
  }

  private static Path root() {
    return Path.of(System.getProperty("canary.root", ".."));
  }

  private Path file(String json) throws Exception {
    Path f = dir.resolve("version-" + System.nanoTime() + ".json");
    Files.writeString(f, json);
    return f;
  }

  private RolloutConfig servedConfig() throws Exception {
    return RolloutConfigCodec.parseOrThrow(Files.readString(dir.resolve("state/config.json")));
  }

  @Test
  void startOnTheExampleRolloutConfigPrintsTheChangesAndTheRecommendationBeforeStarting() throws Exception {
    Path example = root().resolve("infrastructure/appconfig/rollout-config.example.json");

    assertThat(run("start", example.toString())).as(err()).isZero();

    String text = out();
    assertThat(text).contains("Changes (stable → canary):",
        "  - system prompt edited: 44 of 101 characters changed, 44% (57 → 101 characters)",
        "  - few-shot examples: 1 added (0 → 1 examples)",
        "Recommendation: canary needed: a system prompt edit, however small, affects all outputs; few-shot examples"
            + " can change behaviour unpredictably",
        "Watch in the comparison table:", "  avg_quality ", "  avg_cost ");
    assertThat(text.indexOf("Recommendation:")).isLessThan(text.indexOf("started rollout concise-2026-11-26"));
    assertThat(servedConfig().rolloutId()).isEqualTo("concise-2026-11-26"); // the file's rollout id
    assertThat(servedConfig().canaryPercent()).isEqualTo(5.0);
  }

  @Test
  void identicalVersionsAreRefusedUnlessAnAaRolloutIsAllowed() throws Exception {
    Path same = file(STABLE);

    assertThat(run("start", "--canary", same.toString(), "--id", "aa")).isEqualTo(1);
    assertThat(out()).contains("Changes (stable → canary): none, the two versions are identical");
    assertThat(err()).contains("refused: the canary is the same version as the stable one being served")
        .contains("pass --allow-identical");
    assertThat(servedConfig().canaryPercent()).isZero();

    assertThat(run("start", "--canary", same.toString(), "--id", "aa", "--allow-identical")).as(err()).isZero();
    assertThat(servedConfig().rolloutId()).isEqualTo("aa");
    assertThat(servedConfig().canaryPercent()).isEqualTo(5.0);
  }

  @Test
  void aChangeThatNeedsNoCanaryIsRefusedUntilYesIsPassed() throws Exception {
    Path maxTokensOnly = file(STABLE.replace("1024", "512"));

    assertThat(run("start", "--canary", maxTokensOnly.toString(), "--id", "cap")).isEqualTo(1);
    assertThat(out()).contains("  - max tokens: 1024 → 512 (lower cap)",
        "Recommendation: canary not needed: a max-tokens change has a predictable effect: test it offline");
    assertThat(err()).contains("refused: this change needs no canary").contains("pass --yes");
    assertThat(servedConfig().canaryPercent()).isZero();

    assertThat(run("start", "--canary", maxTokensOnly.toString(), "--id", "cap", "--yes")).as(err()).isZero();
    assertThat(servedConfig().rolloutId()).isEqualTo("cap");
  }

  @Test
  void aTemperatureChangeIsAMaybeAndStartsWithoutYes() throws Exception {
    assertThat(run("start", "--canary", file(STABLE.replace("0.7", "0.2")).toString(), "--id", "temp"))
        .as(err()).isZero();
    assertThat(out()).contains("Recommendation: canary maybe: a temperature change is low risk but can affect consistency");
  }

  @Test
  void jsonCarriesTheChangeListOnAStartAndOnARefusal() throws Exception {
    assertThat(run("start", "--canary", file(STABLE.replace("1024", "2048")).toString(), "--id", "raise", "--json"))
        .isEqualTo(1);
    JsonNode refused = json();
    assertThat(refused.path("applied").asBoolean()).isFalse();
    assertThat(refused.path("message").asText()).contains("pass --yes");
    assertThat(refused.path("change").path("changes").findValuesAsText("kind")).containsExactly("maxTokens");
    assertThat(refused.path("change").path("need").asText()).isEqualTo("NOT_NEEDED");

    Path swap = file("{\"canary\": {\"model\": \"deepseek.r1-v1:0\", \"systemPrompt\": \"Be brief.\", \"maxTokens\": 512},"
        + " \"pricing\": {\"deepseek.r1-v1:0\": {\"inputPerMTok\": 1.35, \"outputPerMTok\": 5.4}}}");
    assertThat(run("start", "--canary", swap.toString(), "--id", "swap", "--json")).as(err()).isZero();
    JsonNode started = json().path("change");
    assertThat(started.path("changes").findValuesAsText("kind"))
        .containsExactly("systemPrompt", "model", "maxTokens");
    JsonNode model = started.path("changes").get(1);
    assertThat(model.path("sameLine").asBoolean()).isFalse();
    assertThat(model.path("inputPriceRatio").asDouble()).isEqualTo(0.45, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(started.path("recommendation").path("need").asText()).isEqualTo("CANARY_NEEDED");
    assertThat(started.path("recommendation").path("watch").findValuesAsText("metric"))
        .containsExactly("avg_quality", "p95_latency", "avg_cost", "error_rate");
  }

  @Test
  void statusShowsWhatTheServedRolloutChanges() throws Exception {
    assertThat(run("start", "--canary", root().resolve("docs/canary-version.example.json").toString(), "--id", "c1"))
        .as(err()).isZero();

    assertThat(run("status")).isZero();
    assertThat(out()).contains("  change: system prompt edited 44%, few-shot +1; canary needed; watch avg_quality, avg_cost");
    assertThat(run("status", "c1")).isZero();
    assertThat(out()).contains("  Changes (stable → canary):", "  Recommendation: canary needed");
    assertThat(run("status", "--json")).isZero();
    assertThat(json().path("rollouts").get(0).path("change").path("summary").asText())
        .startsWith("system prompt edited 44%");
    assertThat(json().path("config").path("change").path("changes").findValuesAsText("kind"))
        .containsExactly("systemPrompt", "fewShot");
  }

  @Test
  void aRolloutConfigWithoutACanaryOrBesideCanaryIsRefusedOrAUsageError() throws Exception {
    Path stableOnly = file("{\"schemaVersion\": 1, \"rolloutId\": \"x\", \"canaryPercent\": 0, \"versions\": {\"stable\": "
        + STABLE + "}, \"pricing\": {\"anthropic.claude-3-5-sonnet-20240620-v1:0\": {\"inputPerMTok\": 3, \"outputPerMTok\": 15}}}");
    assertThat(run("start", stableOnly.toString())).isEqualTo(1);
    assertThat(err()).contains("has no versions.canary");

    Path typo = file("{\"schemaVersion\": 1, \"rolloutId\": \"x\", \"canaryPercnt\": 5, \"versions\": {\"stable\": " + STABLE + "}}");
    assertThat(run("start", typo.toString())).isEqualTo(1);
    assertThat(err()).contains("is not a valid rollout config").contains("canaryPercnt");

    Path wrongType = file(STABLE.replace("1024", "\"lots\""));
    assertThat(run("start", "--canary", wrongType.toString(), "--id", "bad")).isEqualTo(1);
    assertThat(err()).contains("versions.canary.maxTokens");
    assertThat(out()).as("no summary of a version read in part").doesNotContain("Changes (");

    assertThat(run("start", stableOnly.toString(), "--canary", stableOnly.toString())).isEqualTo(2);
    assertThat(err()).contains("not both");
  }
}
