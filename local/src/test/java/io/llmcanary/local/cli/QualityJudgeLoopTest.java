package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.proxy.ChatProxyWiring;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality judge's whole loop offline: chats through the proxy's handler, the sampler's hand-off to the judge
 * function's core (heuristic judge, shadow stable answers from the offline model), its EMF lines, and the health
 * check judging those lines: the verdict's table carries the judge's row with the comparisons made.
 */
class QualityJudgeLoopTest {

  @Test
  void chatsHandedToTheJudgeBecomeThePreferenceRowOfTheHealthChecksVerdict(@TempDir Path dir) throws Exception {
    RolloutConfig shipped = ChatProxyWiring.offlineRollout();
    RolloutConfig config = new RolloutConfig(1, "support-chat", "concise-2026-11-26", 50, null, shipped.versions(),
        shipped.pricing(), null, null, false, new QualityJudgeConfig("pairwise", 1.0, 1000, "offline", null));
    List<String> lines = new CopyOnWriteArrayList<>();
    ServeCommand.Server server = ServeCommand.start(0, config, lines::add);
    HttpClient http = HttpClient.newHttpClient();
    try {
      for (int i = 0; i < 80; i++) {
        String body = "{\"userId\":\"user-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about"
            + " canary number " + i + "\"}]}";
        HttpResponse<String> r = http.send(ServeAndInvokeTest.post(server.port(), "/chat",
            body.getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    } finally {
      server.stop();
    }
    long comparisons = lines.stream().filter(l -> l.contains("\"Preference\":")).count();
    assertThat(comparisons).as("every canary answer is sampled at rate 1").isPositive();
    assertThat(String.join("\n", lines)).doesNotContain("canary number 7\"");

    Path emf = dir.resolve("emf.log");
    Files.write(emf, lines);
    HealthCheckInvokeTest.Run run = HealthCheckInvokeTest.run("invoke", "health-check",
        HealthCheckInvokeTest.event("health-check-scheduled.json"), "--metrics", emf.toString());
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode rollout = run.json().get("rollouts").get(0);
    String table = rollout.get("table").asText();
    String preferenceRow = table.lines().filter(l -> l.startsWith("preference")).findFirst().orElseThrow();
    assertThat(preferenceRow).contains(" " + comparisons + " ");
    assertThat(table).doesNotContain("judge_score");
  }
}
