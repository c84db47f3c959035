package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.metrics.RequestMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmfLogTest {

  static String line(String rollout, long ts, boolean error) {
    return new EmfEncoder("LlmCanary").encode(new RequestMetrics("app", rollout, Variant.CANARY, "q" + ts, "m", "stop",
        ts, error, 100, 1, 1, 0.01, null));
  }

  @Test
  void readsTheEmfLinesOfAServeOrLogsTailOutputAndSkipsTheRest(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("proxy.log");
    Files.write(log, List.of(
        "START RequestId: 1 Version: $LATEST",
        line("r1", 2_000, false),
        "2026-11-26T09:00:00.000000+00:00 2026/11/26/[$LATEST]abc " + line("r1", 1_000, true),
        "{\"level\":\"INFO\",\"message\":\"request\"}",
        line("r2", 3_000, false)));

    EmfLog all = EmfLog.read(log);
    assertThat(all.metrics().size()).isEqualTo(3);
    assertThat(all.firstMillis()).isEqualTo(1_000);
    assertThat(all.lastMillis()).isEqualTo(3_000);
    assertThat(all.application()).isEqualTo("app");

    EmfLog r1 = EmfLog.read(log, m -> m.rolloutId().equals("r1"));
    assertThat(r1.metrics().size()).isEqualTo(2);
    assertThat(r1.lastMillis()).isEqualTo(2_000);
    assertThat(EmfLog.read(log, m -> false).empty()).isTrue();
    assertThat(EmfLog.read(log, m -> false).application()).isNull();
  }
}
