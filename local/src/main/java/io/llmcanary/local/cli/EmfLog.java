package io.llmcanary.local.cli;

import io.llmcanary.codec.EmfParser;
import io.llmcanary.core.health.RecordedMetrics;
import io.llmcanary.core.metrics.RequestMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A log of the proxies' EMF lines read into the local runner's metrics: what {@code serve} prints, or what
 * {@code aws logs tail} prints (a time and stream before each line), or a recording; lines that are not EMF are
 * skipped. The one reader of such logs for {@code compare --local}, {@code replay --emf} and
 * {@code invoke health-check --metrics}.
 *
 * @param application the first kept record's application, null when none was kept
 */
record EmfLog(RecordedMetrics metrics, long firstMillis, long lastMillis, String application) {

  static EmfLog read(Path file) throws IOException {
    return read(file, m -> true);
  }

  /** Reads every EMF line of {@code file} that {@code keep} accepts. */
  static EmfLog read(Path file, Predicate<RequestMetrics> keep) throws IOException {
    RecordedMetrics metrics = new RecordedMetrics();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    String app = null;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        int brace = line.indexOf("{\"_aws\"");
        if (brace < 0) {
          continue;
        }
        Optional<RequestMetrics> m = EmfParser.parse(line.substring(brace).trim());
        if (m.isPresent() && keep.test(m.get())) {
          metrics.record(m.get());
          app = app == null ? m.get().application() : app;
          first = Math.min(first, m.get().timestampMillis());
          last = Math.max(last, m.get().timestampMillis());
        }
      }
    }
    return new EmfLog(metrics, first, last, app);
  }

  boolean empty() {
    return metrics.size() == 0;
  }
}
