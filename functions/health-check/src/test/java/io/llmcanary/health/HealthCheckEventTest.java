package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.llmcanary.codec.Json;
import io.llmcanary.core.health.HealthCheckRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sample events in events/ and the shapes the handler accepts. */
class HealthCheckEventTest {

  static Map<String, Object> sample(String name) throws Exception {
    Path p = Path.of(System.getProperty("canary.root", "../.."), "events", name);
    return Json.MAPPER.readValue(Files.readString(p), new TypeReference<Map<String, Object>>() {});
  }

  @Test
  void scheduledSampleChecksEveryActiveRollout() throws Exception {
    assertThat(HealthCheckEvent.parse(sample("health-check-scheduled.json"))).isEqualTo(HealthCheckRequest.all());
  }

  @Test
  void onDemandSampleNamesOneRollout() throws Exception {
    assertThat(HealthCheckEvent.parse(sample("health-check-on-demand.json")))
        .isEqualTo(new HealthCheckRequest("support-chat", "concise-2026-11-26"));
  }

  @Test
  void eventBridgeDetailAndEmptyEvents() {
    assertThat(HealthCheckEvent.parse(Map.of("detail-type", "Scheduled Event", "detail", Map.of("rolloutId", "r-1"))))
        .isEqualTo(new HealthCheckRequest(null, "r-1"));
    assertThat(HealthCheckEvent.parse(null)).isEqualTo(HealthCheckRequest.all());
    assertThat(HealthCheckEvent.parse(Map.of())).isEqualTo(HealthCheckRequest.all());
  }

  @Test
  void wrongTypesAndHalfNamesAreRefusedWithTheField() {
    assertThatThrownBy(() -> HealthCheckEvent.parse(Map.of("rolloutId", 5))).hasMessageContaining("'rolloutId'");
    assertThatThrownBy(() -> HealthCheckEvent.parse(Map.of("application", "a"))).hasMessageContaining("'application'");
  }
}
