package io.llmcanary.aws.appconfig;

import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.ConfigSnapshot;
import io.llmcanary.core.proxy.SnapshotConfigSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Reads the rollout config from the AWS AppConfig Agent Lambda extension (docs/architecture.md#the-rollout-config):
 * {@code GET http://localhost:2772/applications/{app}/environments/{env}/configurations/{profile}}. The agent
 * polls AppConfig in the background and caches; this source asks the agent at most once per {@code ttl} and
 * answers from memory in between, so a warm request makes no call at all, and never an AWS API call (no SDK here).
 *
 * <p>Failures keep the last good config: an error status, a timeout, no agent, or a document that fails the JSON
 * Schema and the cross-field rules. Each failure is counted and reported to the listener; the next attempt waits a
 * full {@code ttl}, so a dead agent costs one short timeout per ttl, not one per request. The first read, when there
 * is nothing to fall back on, may wait longer ({@code initialTimeout}): at a cold start the agent may still be
 * fetching from AppConfig.
 *
 * <p>Thread-safe: one caller refreshes while the others answer from the cached snapshot.
 */
public final class AppConfigAgentConfigSource implements SnapshotConfigSource {

  /** The agent's default address in a Lambda execution environment. */
  public static final URI DEFAULT_AGENT = URI.create("http://localhost:2772");
  private static final int MAX_BODY_BYTES = 1 << 20;

  /**
   * @param agent          the agent's base URL
   * @param ttl            how long a read is used before the agent is asked again
   * @param timeout        connect and read timeout of each call once a config is held
   * @param initialTimeout the same, while no config is held yet
   */
  public record Settings(URI agent, String application, String environment, String profile, Duration ttl,
      Duration timeout, Duration initialTimeout) {

    public static Settings of(String application, String environment, String profile) {
      return new Settings(DEFAULT_AGENT, application, environment, profile, Duration.ofSeconds(5),
          Duration.ofMillis(500), Duration.ofSeconds(3));
    }

    public Settings withAgent(URI uri) {
      return new Settings(uri, application, environment, profile, ttl, timeout, initialTimeout);
    }

    public Settings withTtl(Duration d) {
      return new Settings(agent, application, environment, profile, d, timeout, initialTimeout);
    }

    public Settings withTimeouts(Duration t, Duration initial) {
      return new Settings(agent, application, environment, profile, ttl, t, initial);
    }

    URL url() {
      String base = agent.toString().replaceAll("/+$", "");
      try {
        return URI.create(base + "/applications/" + seg(application) + "/environments/" + seg(environment)
            + "/configurations/" + seg(profile)).toURL();
      } catch (java.net.MalformedURLException e) {
        throw new IllegalArgumentException("bad AppConfig agent URL " + base, e);
      }
    }

    private static String seg(String s) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("AppConfig application, environment and profile are required");
      }
      return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  /** Counters since the container started. */
  public record Stats(long reads, long failures, long consecutiveFailures, String lastFailure) {}

  private record State(RolloutConfig config, String body, Instant confirmedAt, long nextReadAtMillis) {}

  private final Settings settings;
  private final URL url;
  private final Clock clock;
  private final ConfigEvent.Listener listener;
  private final ReentrantLock refreshing = new ReentrantLock();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong consecutive = new AtomicLong();
  private volatile String lastFailure;
  private volatile State state = new State(null, null, null, Long.MIN_VALUE);

  public AppConfigAgentConfigSource(Settings settings, Clock clock, ConfigEvent.Listener listener) {
    this.settings = settings;
    this.url = settings.url();
    this.clock = clock;
    this.listener = listener == null ? ConfigEvent.Listener.NONE : listener;
  }

  @Override
  public ConfigSnapshot snapshot() {
    State s = state;
    if (clock.millis() >= s.nextReadAtMillis && refreshing.tryLock()) {
      try {
        if (clock.millis() >= state.nextReadAtMillis) {
          refresh();
        }
      } finally {
        refreshing.unlock();
      }
      s = state;
    }
    return new ConfigSnapshot(s.config, s.confirmedAt, failures.get());
  }

  public Stats stats() {
    return new Stats(reads.get(), failures.get(), consecutive.get(), lastFailure);
  }

  private void refresh() {
    State s = state;
    long next = clock.millis() + settings.ttl().toMillis();
    reads.incrementAndGet();
    Duration timeout = s.config == null ? settings.initialTimeout() : settings.timeout();
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
      c.setConnectTimeout((int) timeout.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setRequestProperty("Accept", "application/json");
      int status = c.getResponseCode();
      if (status != 200) {
        drain(c.getErrorStream());
        fail(ConfigEvent.Kind.HTTP_ERROR, "HTTP " + status, next);
        return;
      }
      String body = read(c.getInputStream());
      if (body.equals(s.body)) {
        succeed(new State(s.config, s.body, clock.instant(), next), null);
        return;
      }
      switch (RolloutConfigCodec.parse(body)) {
        case RolloutConfigCodec.Parsed.Valid v -> {
          String version = c.getHeaderField("Configuration-Version");
          succeed(new State(v.config(), body, clock.instant(), next),
              new ConfigEvent(ConfigEvent.Kind.LOADED,
                  version == null ? "loaded" : "loaded configuration version " + version,
                  v.config().rolloutId(), 0, failures.get()));
        }
        case RolloutConfigCodec.Parsed.Invalid i -> fail(ConfigEvent.Kind.INVALID,
            i.errors().stream().map(e -> e.field() + " [" + e.rule() + "]").collect(Collectors.joining(", ")), next);
      }
    } catch (SocketTimeoutException e) {
      fail(ConfigEvent.Kind.TIMEOUT, "no answer within " + timeout.toMillis() + " ms", next);
    } catch (IOException e) {
      fail(ConfigEvent.Kind.UNREACHABLE, e.getClass().getSimpleName(), next);
    } catch (RuntimeException e) {
      fail(ConfigEvent.Kind.INVALID, e.getClass().getSimpleName(), next);
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  private void succeed(State next, ConfigEvent event) {
    state = next;
    consecutive.set(0);
    if (event != null) {
      listener.onConfigEvent(event);
    }
  }

  private void fail(ConfigEvent.Kind kind, String detail, long nextReadAt) {
    State s = state;
    state = new State(s.config, s.body, s.confirmedAt, nextReadAt);
    long total = failures.incrementAndGet();
    long inRow = consecutive.incrementAndGet();
    lastFailure = kind + ": " + detail;
    listener.onConfigEvent(new ConfigEvent(kind, detail, s.config == null ? null : s.config.rolloutId(), inRow, total));
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > MAX_BODY_BYTES) {
          throw new IOException("config larger than " + MAX_BODY_BYTES + " bytes");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static void drain(InputStream in) {
    if (in == null) {
      return;
    }
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the status already says what failed
    }
  }
}
