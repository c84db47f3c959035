package io.llmcanary.local.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.llmcanary.codec.EmfParser;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.alerts.OperatorCommands;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.embedded.RecordingApprovalGateway;
import io.llmcanary.core.health.HealthCheck;
import io.llmcanary.core.health.HealthCheckSettings;
import io.llmcanary.core.health.RecordedMetrics;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.health.HealthCheckHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import picocli.CommandLine.Option;

/**
 * {@code canaryctl invoke health-check EVENT.json}: the health-check Lambda handler on one event, on embedded
 * defaults (no AWS): an in-memory rollout store holding the config's rollout at its first stage, the config in
 * memory, alerts printed to stderr, and metrics read back from EMF lines, either a file of them ({@code --metrics},
 * the lines the proxy prints) or lines generated in-process from a small truth model ({@code --traffic}).
 * Prints the handler's response JSON on stdout.
 *
 * <p>{@link InvokeCommand} hands {@code invoke health-check ...} to it.
 */
public final class HealthCheckInvoke {

  static final String FUNCTION = "health-check";

  /** The options of {@code invoke health-check} (a picocli argument group of {@link InvokeCommand}). */
  public static final class Options {

    @Option(names = "--metrics", paramLabel = "PATH", description = "EMF lines to judge (e.g. what `canaryctl serve`"
        + " printed); other lines are skipped; the stage starts at the first line and the check runs a minute after"
        + " the last")
    String metrics;

    @Option(names = "--traffic", paramLabel = "NAME", description = "without --metrics: synthetic traffic at 100"
        + " requests/min; healthy (default), quality-drop (canary quality 0.55 instead of 0.85) or broken (canary"
        + " 50%% errors)")
    String traffic;

    @Option(names = "--hours", paramLabel = "H", description = "hours of synthetic traffic, i.e. how long the stage"
        + " has run (default 8)")
    Long hours;

    @Option(names = "--at", paramLabel = "INSTANT", description = "when the check runs (default: the end of the"
        + " traffic)")
    String at;
  }

  /**
   * Runs the handler on {@code eventFile}.
   *
   * @param configFile the rollout config JSON, or null for {@link #defaultConfig()}
   * @param o          the health-check options, or null when none was given
   */
  public int run(String eventFile, String configFile, Options o, PrintStream out, PrintStream err) {
    Options a = o != null ? o : new Options();
    String traffic = a.traffic != null ? a.traffic : "healthy";
    if (!Set.of("healthy", "quality-drop", "broken").contains(traffic)) {
      throw new UsageException("--traffic must be healthy, quality-drop or broken, got '" + traffic + "'");
    }
    long hours = UsageException.within("--hours", a.hours, 8, 1, 24 * 14);
    Map<String, Object> event;
    RolloutConfig config;
    try {
      event = Json.MAPPER.readValue(Files.readString(Path.of(eventFile)), new TypeReference<Map<String, Object>>() {});
      config = configFile == null ? defaultConfig()
          : RolloutConfigCodec.parseOrThrow(Files.readString(Path.of(configFile)));
    } catch (IOException | IllegalArgumentException e) {
      err.println("canaryctl invoke health-check: " + e.getMessage());
      return Subcommand.FAILED;
    }

    RecordedMetrics metrics = new RecordedMetrics();
    Instant start;
    Instant end;
    if (a.metrics != null) {
      EmfLog log;
      try {
        log = EmfLog.read(Path.of(a.metrics));
      } catch (IOException e) {
        err.println("canaryctl invoke health-check: cannot read " + a.metrics + ": " + e.getMessage());
        return Subcommand.FAILED;
      }
      metrics = log.metrics();
      long first = log.firstMillis();
      long last = log.lastMillis();
      if (metrics.size() == 0) {
        err.println("canaryctl invoke health-check: no EMF metric lines in " + a.metrics);
        return Subcommand.FAILED;
      }
      start = Instant.ofEpochMilli(first).truncatedTo(ChronoUnit.MINUTES);
      end = Instant.ofEpochMilli(last).plus(Duration.ofMinutes(1));
    } else {
      end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
      start = end.minus(Duration.ofHours(hours));
      generate(metrics, config, traffic, start, end);
    }
    Instant at;
    try {
      at = a.at == null ? end : Instant.parse(a.at);
    } catch (DateTimeParseException e) {
      throw new UsageException("--at must be an ISO-8601 instant like 2026-11-26T15:00:00Z");
    }

    InMemoryRolloutStore store = new InMemoryRolloutStore();
    store.create(RolloutState.start(config.application(), config.rolloutId(), new StagePlan(config.stages()), start,
        null));
    InMemoryConfigStore configStore = new InMemoryConfigStore(config);
    RecordingAlertPublisher alerts = new RecordingAlertPublisher(alert -> err.println("--- ALERT (SNS) ---\nSubject: "
        + alert.subject() + "\n\n" + alert.body() + "--- end of alert ---"));
    HealthCheck check = new HealthCheck(store, metrics, configStore, alerts, new RecordingApprovalGateway(),
        new SequentialJudge(), Clock.fixed(at, ZoneOffset.UTC), HealthCheckSettings.defaults(OperatorCommands.local()));
    Map<String, Object> response = new HealthCheckHandler(check, err).handleRequest(event, null);
    out.println(JsonOutput.write(response));
    return Subcommand.OK;
  }

  static RolloutConfig defaultConfig() {
    VersionSpec stable = new VersionSpec("offline-stable", "offline", "You are a helpful assistant.", null, 0.7, 1024);
    VersionSpec canary = new VersionSpec("offline-canary", "offline", "You are a concise, helpful assistant.", null,
        0.7, 1024);
    return new RolloutConfig(1, "support-chat", "concise-2026-11-26", 5, null, Map.of("stable", stable,
        "canary", canary), Map.of(), null, null, false);
  }

  /** 100 requests a minute through the EMF encoder and parser, as the proxy would log them. */
  private static void generate(RecordedMetrics sink, RolloutConfig c, String traffic, Instant from, Instant to) {
    EmfEncoder encoder = new EmfEncoder(EmfEncoder.DEFAULT_NAMESPACE);
    SplittableRandom rnd = new SplittableRandom(7);
    long n = 0;
    for (Instant minute = from; minute.isBefore(to); minute = minute.plus(Duration.ofMinutes(1))) {
      for (int i = 0; i < 100; i++) {
        boolean canary = rnd.nextDouble() * 100 < c.canaryPercent();
        double errorRate = canary && traffic.equals("broken") ? 0.5 : 0.01;
        double quality = canary && traffic.equals("quality-drop") ? 0.55 : 0.85;
        boolean error = rnd.nextDouble() < errorRate;
        Double q = !error && rnd.nextDouble() < 0.3 ? (rnd.nextDouble() < quality ? 1.0 : 0.0) : null;
        RequestMetrics m = new RequestMetrics(c.application(), c.rolloutId(), canary ? Variant.CANARY : Variant.STABLE,
            "local-" + (n++), canary ? "offline-canary" : "offline-stable", error ? "error" : "stop",
            minute.toEpochMilli() + rnd.nextLong(60_000), error, 1200 * Math.exp(0.3 * rnd.nextGaussian()), 300, 200,
            error ? 0 : 0.004, q);
        EmfParser.parse(encoder.encode(m)).ifPresent(sink::record);
      }
    }
  }
}
