package io.llmcanary.local.promotion;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.llmcanary.codec.Json;
import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.embedded.InMemoryConfigStore;
import io.llmcanary.core.embedded.InMemoryRolloutStore;
import io.llmcanary.core.embedded.RecordingAlertPublisher;
import io.llmcanary.core.judge.CanaryPolicy;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.SequentialJudge;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.MetricsQuery;
import io.llmcanary.core.ports.RolloutStore;
import io.llmcanary.core.promotion.ApprovalChannels;
import io.llmcanary.core.promotion.InProcessWorkflow;
import io.llmcanary.core.promotion.PromotionPorts;
import io.llmcanary.core.rollout.AuditEvent;
import io.llmcanary.core.rollout.OwedStep;
import io.llmcanary.core.rollout.RolloutState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The promotion workflow's state for local use (docs/architecture.md#running-without-aws embedded defaults), kept in a directory so that
 * separate {@code canaryctl} commands see the same rollouts:
 *
 * <pre>
 * DIR/config.json   the rollout config as the proxy reads it (./canaryctl serve --config DIR/config.json)
 * DIR/state.json    rollouts, their audit trails, the in-process workflow executions and its settings
 * DIR/.lock         held while a command runs, so two commands never interleave
 * </pre>
 *
 * Each command loads everything, lets the in-process workflow catch up with the wall clock (a stage whose time
 * is over runs its gate, an expired approval is rejected), does its work and writes everything back. There is
 * no daemon: the workflow moves when a command runs. Local metrics are not wired here, so the gate sees no
 * data and is INCONCLUSIVE until it has waited as long as allowed, then asks a person: locally every stage ends
 * with an approval request.
 */
public final class LocalPromotionState implements AutoCloseable {

  /** The directory used when none is given: $CANARY_STATE_DIR, else .canary-local at the repository root. */
  public static Path defaultDirectory() {
    String env = System.getenv("CANARY_STATE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("canary.root", ".")).resolve(".canary-local");
  }

  /** The example config shipped with the repository: its stable version starts a fresh local state. */
  public static Path exampleConfig() {
    return Path.of(System.getProperty("canary.root", ".")).resolve("infrastructure/appconfig/rollout-config.example.json");
  }

  /** What state.json holds. */
  public record Saved(int format, Settings settings, List<RolloutState> rollouts, List<AuditEvent> audit,
      List<InProcessWorkflow.Execution> executions) {}

  /** The in-process workflow's settings, in seconds as the state machine's input has them. */
  public record Settings(long stageSeconds, int maxInconclusiveWaits, long approvalTimeoutSeconds) {
    public static final Settings DEFAULTS = new Settings(86_400, 2, 604_800);

    InProcessWorkflow.Settings toWorkflow() {
      return new InProcessWorkflow.Settings(Duration.ofSeconds(stageSeconds), maxInconclusiveWaits,
          Duration.ofSeconds(approvalTimeoutSeconds));
    }
  }

  static final ObjectMapper MAPPER = Json.MAPPER.copy().registerModule(new SimpleModule()
      .addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
          gen.writeString(value.toString());
        }
      })
      .addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
          return Instant.parse(p.getValueAsString());
        }
      })).addMixIn(OwedStep.class, OwedStepJson.class)
      .addMixIn(InProcessWorkflow.TaskOutcome.class, TaskOutcomeJson.class);

  /** How a completed approval task waits in the state file until the workflow moves on from it. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = InProcessWorkflow.TaskOutcome.Succeeded.class, name = "Succeeded"),
      @JsonSubTypes.Type(value = InProcessWorkflow.TaskOutcome.Failed.class, name = "Failed")})
  private interface TaskOutcomeJson {}

  /** How the owed steps of a rollout are kept in the state file: a "type" field names the step. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = OwedStep.ZeroCanary.class, name = "ZeroCanary"),
      @JsonSubTypes.Type(value = OwedStep.PromoteCanary.class, name = "PromoteCanary"),
      @JsonSubTypes.Type(value = OwedStep.SendAlert.class, name = "SendAlert"),
      @JsonSubTypes.Type(value = OwedStep.FailApprovalTask.class, name = "FailApprovalTask")})
  private interface OwedStepJson {}

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final InMemoryRolloutStore store = new InMemoryRolloutStore();
  private final InMemoryConfigStore configs;
  private final RecordingAlertPublisher alerts;
  private final InstantSource clock;
  private Settings settings;
  private InProcessWorkflow workflow;
  private final String seededFrom;

  private LocalPromotionState(Path dir, FileChannel lockChannel, FileLock lock, RolloutConfig config, String seededFrom,
      Saved saved, InstantSource clock, Consumer<Alert> alertPrinter) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.configs = new InMemoryConfigStore(config);
    this.alerts = new RecordingAlertPublisher(alertPrinter);
    this.clock = clock;
    this.seededFrom = seededFrom;
    this.settings = saved.settings() == null ? Settings.DEFAULTS : saved.settings();
    for (RolloutState r : saved.rollouts()) {
      // Ended rollouts come back without a claim; an active one claims its application again.
      RolloutStore.CreateResult restored = store.create(r);
      boolean listedTwice = restored instanceof RolloutStore.CreateResult.IdTaken
          && store.get(r.application(), r.rolloutId()).orElseThrow().equals(r); // one per execution of it
      if (!(restored instanceof RolloutStore.CreateResult.Created) && !listedTwice) {
        throw new IllegalStateException("cannot open the local promotion state in " + dir + ": state.json cannot hold"
            + " rollout " + r.rolloutId() + " of " + r.application() + " (" + restored + "); fix or remove state.json");
      }
    }
    saved.audit().stream().sorted(Comparator.comparing(AuditEvent::at)).forEach(store::append);
    this.workflow = newWorkflow(saved.executions());
  }

  /**
   * Opens (and locks) the state in {@code dir}; a new directory starts from {@code baseline} (a config file whose
   * stable version becomes the current one, canary removed), or from the repository's example config.
   */
  public static LocalPromotionState open(Path dir, Path baseline, InstantSource clock, Consumer<Alert> alertPrinter) {
    try {
      Files.createDirectories(dir);
      FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.lock();
      Path configFile = dir.resolve("config.json");
      RolloutConfig config;
      String seeded = null;
      if (Files.exists(configFile)) {
        config = RolloutConfigCodec.parseOrThrow(Files.readString(configFile));
      } else {
        Path from = baseline != null ? baseline : exampleConfig();
        config = stableOnly(RolloutConfigCodec.parseOrThrow(Files.readString(from)));
        seeded = from.toString();
      }
      Path stateFile = dir.resolve("state.json");
      Saved saved = Files.exists(stateFile) ? MAPPER.readValue(stateFile.toFile(), Saved.class)
          : new Saved(1, Settings.DEFAULTS, List.of(), List.of(), List.of());
      try {
        return new LocalPromotionState(dir, ch, lock, config, seeded, saved, clock, alertPrinter);
      } catch (RuntimeException e) {
        ch.close(); // releases the lock too
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the local promotion state in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A config with its stable version only: where a first rollout starts. */
  static RolloutConfig stableOnly(RolloutConfig c) {
    java.util.Map<String, io.llmcanary.core.config.VersionSpec> versions = new java.util.HashMap<>();
    c.version(io.llmcanary.core.config.Variant.STABLE).ifPresent(v -> versions.put("stable", v));
    return new RolloutConfig(c.schemaVersion(), c.application(), "baseline", 0, null, versions, c.pricing(),
        c.guardrails(), c.stages(), c.fallbackToStable());
  }

  private InProcessWorkflow newWorkflow(List<InProcessWorkflow.Execution> executions) {
    CanaryPolicy policy = new SequentialJudge();
    // No local metrics source is wired: the gate sees empty windows (INCONCLUSIVE, never a promotion on no data).
    MetricsQuery noMetrics = (app, id, from, to) ->
        new JudgeInput(WindowStats.empty(from, to), WindowStats.empty(to.minus(Duration.ofHours(1)), to));
    PromotionPorts ports = new PromotionPorts(store, configs, noMetrics, policy, alerts,
        new io.llmcanary.core.embedded.RecordingApprovalGateway(), null, null, clock); // the workflow completes its own tasks
    return new InProcessWorkflow(ports, ApprovalChannels.LOCAL, settings.toWorkflow(), executions);
  }

  public InProcessWorkflow workflow() {
    return workflow;
  }

  public InMemoryRolloutStore store() {
    return store;
  }

  public RolloutConfig config() {
    return configs.deployedConfig();
  }

  public Settings settings() {
    return settings;
  }

  public Path directory() {
    return dir;
  }

  /** The file a fresh state took its stable version from, or null when the state existed. */
  public String seededFrom() {
    return seededFrom;
  }

  public List<Alert> alerts() {
    return alerts.delivered();
  }

  /** Changes the workflow settings; only while no execution is under way (they apply to all). */
  public void settings(Settings s) {
    boolean running = workflow.executions().stream().anyMatch(e -> !e.ended());
    if (running && !s.equals(settings)) {
      throw new IllegalStateException("the workflow settings cannot change while a rollout is under way");
    }
    settings = s;
    workflow = newWorkflow(workflow.executions());
  }

  /** Lets every execution catch up with the clock. */
  public void catchUp() {
    workflow.advanceAll();
  }

  /** Writes config.json and state.json (each replaced atomically). */
  public void save() {
    try {
      write(dir.resolve("config.json"), RolloutConfigCodec.write(configs.deployedConfig()));
      List<RolloutState> rollouts = new ArrayList<>();
      List<AuditEvent> audit = new ArrayList<>();
      for (InProcessWorkflow.Execution e : workflow.executions()) {
        store.get(e.application(), e.rolloutId()).ifPresent(rollouts::add);
      }
      // rollouts without an execution (none locally, but keep whatever the store has)
      store.active().stream().filter(s -> !rollouts.contains(s)).forEach(rollouts::add);
      for (RolloutState s : rollouts) {
        audit.addAll(store.history(s.application(), s.rolloutId()));
      }
      write(dir.resolve("state.json"), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
          new Saved(1, settings, rollouts, audit, workflow.executions())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the local promotion state in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
