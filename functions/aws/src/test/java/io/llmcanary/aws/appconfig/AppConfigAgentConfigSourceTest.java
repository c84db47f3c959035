package io.llmcanary.aws.appconfig;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmcanary.core.proxy.ConfigEvent;
import io.llmcanary.core.proxy.ConfigSnapshot;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP contract test of the agent path (docs/architecture.md#running-without-aws: no emulator implements the AppConfig agent): a local server
 * answers {@code GET /applications/{app}/environments/{env}/configurations/{profile}} as the agent does, with the
 * configuration as the body and its version in the Configuration-Version header.
 */
class AppConfigAgentConfigSourceTest {

  @RegisterExtension
  static WireMockExtension agent = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String PATH = "/applications/chat-app/environments/prod/configurations/rollout";
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
  final List<ConfigEvent> events = new ArrayList<>();

  static String config(String rolloutId, double canaryPercent) {
    return """
        {"schemaVersion": 1, "application": "chat-app", "rolloutId": "%s", "canaryPercent": %s,
         "versions": {
           "stable": {"model": "anthropic.claude-sonnet", "systemPrompt": "You are helpful.", "maxTokens": 1024},
           "canary": {"model": "deepseek.r1", "systemPrompt": "You are concise.", "maxTokens": 1024}},
         "pricing": {"anthropic.claude-sonnet": {"inputPerMTok": 3, "outputPerMTok": 15},
                     "deepseek.r1": {"inputPerMTok": 1.35, "outputPerMTok": 5.4}}}
        """.formatted(rolloutId, canaryPercent);
  }

  AppConfigAgentConfigSource source() {
    return source(Duration.ofMillis(300));
  }

  AppConfigAgentConfigSource source(Duration timeout) {
    AppConfigAgentConfigSource.Settings s = AppConfigAgentConfigSource.Settings.of("chat-app", "prod", "rollout")
        .withAgent(URI.create(agent.baseUrl()))
        .withTtl(Duration.ofSeconds(5))
        .withTimeouts(timeout, Duration.ofSeconds(3));
    return new AppConfigAgentConfigSource(s, clock, events::add);
  }

  void serve(int status, String body, int delayMs) {
    agent.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json").withHeader("Configuration-Version", "7")
        .withFixedDelay(delayMs).withBody(body)));
  }

  @Test
  void readsTheConfigFromTheAgentPath() {
    serve(200, config("rollout-1", 5), 0);
    ConfigSnapshot s = source().snapshot();
    assertThat(s.config().rolloutId()).isEqualTo("rollout-1");
    assertThat(s.config().canaryPercent()).isEqualTo(5.0);
    assertThat(s.confirmedAt()).isEqualTo(clock.instant());
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ConfigEvent.Kind.LOADED);
      assertThat(e.detail()).contains("version 7");
    });
  }

  @Test
  void withinTheTtlSnapshotsComeFromMemoryWithoutAskingTheAgent() {
    serve(200, config("rollout-1", 5), 0);
    AppConfigAgentConfigSource source = source();
    for (int i = 0; i < 100; i++) {
      source.snapshot();
      clock.advance(Duration.ofMillis(40));
    }
    agent.verify(1, getRequestedFor(urlEqualTo(PATH)));
  }

  @Test
  void aChangeIsPickedUpAfterTheTtl() {
    serve(200, config("rollout-1", 5), 0);
    AppConfigAgentConfigSource source = source();
    assertThat(source.snapshot().config().canaryPercent()).isEqualTo(5.0);
    serve(200, config("rollout-1", 25), 0);
    clock.advance(Duration.ofSeconds(4));
    assertThat(source.snapshot().config().canaryPercent()).as("still cached").isEqualTo(5.0);
    clock.advance(Duration.ofSeconds(2));
    assertThat(source.snapshot().config().canaryPercent()).isEqualTo(25.0);
  }

  @Test
  void anUnchangedDocumentRefreshesTheConfirmationTimeWithoutAnEvent() {
    serve(200, config("rollout-1", 5), 0);
    AppConfigAgentConfigSource source = source();
    source.snapshot();
    clock.advance(Duration.ofSeconds(6));
    assertThat(source.snapshot().confirmedAt()).isEqualTo(clock.instant());
    assertThat(events).hasSize(1);
  }

  @Test
  void aServerErrorKeepsTheLastGoodConfigAndIsCounted() {
    serve(200, config("rollout-1", 5), 0);
    AppConfigAgentConfigSource source = source();
    Instant confirmed = source.snapshot().confirmedAt();
    serve(500, "{\"Message\":\"InternalServerException\"}", 0);
    clock.advance(Duration.ofSeconds(6));
    ConfigSnapshot s = source.snapshot();
    assertThat(s.config().rolloutId()).isEqualTo("rollout-1");
    assertThat(s.confirmedAt()).as("not confirmed by a failure").isEqualTo(confirmed);
    assertThat(s.failures()).isEqualTo(1);
    assertThat(events.get(1)).satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ConfigEvent.Kind.HTTP_ERROR);
      assertThat(e.detail()).isEqualTo("HTTP 500");
      assertThat(e.rolloutId()).isEqualTo("rollout-1");
      assertThat(e.consecutiveFailures()).isEqualTo(1);
    });
  }

  @Test
  void aTimeoutKeepsTheLastGoodConfigAndIsCountedAsTimeout() {
    serve(200, config("rollout-1", 5), 0);
    AppConfigAgentConfigSource source = source(Duration.ofMillis(200));
    source.snapshot();
    serve(200, config("rollout-1", 50), 1500);
    clock.advance(Duration.ofSeconds(6));
    ConfigSnapshot s = source.snapshot();
    assertThat(s.config().canaryPercent()).isEqualTo(5.0);
    assertThat(events.get(1).kind()).isEqualTo(ConfigEvent.Kind.TIMEOUT);
    assertThat(source.stats().failures()).isEqualTo(1);
  }

  @Test
  void aFailedReadIsNotRetriedUntilTheTtlHasPassedAgain() {
    serve(503, "", 0);
    AppConfigAgentConfigSource source = source();
    for (int i = 0; i < 20; i++) {
      source.snapshot();
    }
    agent.verify(1, getRequestedFor(urlEqualTo(PATH)));
    clock.advance(Duration.ofSeconds(6));
    source.snapshot();
    agent.verify(2, getRequestedFor(urlEqualTo(PATH)));
    assertThat(source.stats().consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void anInvalidConfigKeepsTheLastGoodAndNamesTheFaultyFields() {
    serve(200, config("rollout-1", 5), 0);
    AppConfigAgentConfigSource source = source();
    source.snapshot();
    serve(200, config("rollout-1", 150), 0);
    clock.advance(Duration.ofSeconds(6));
    assertThat(source.snapshot().config().canaryPercent()).isEqualTo(5.0);
    assertThat(events.get(1)).satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ConfigEvent.Kind.INVALID);
      assertThat(e.detail()).contains("canaryPercent");
      assertThat(e.detail()).doesNotContain("You are helpful");
    });
  }

  @Test
  void malformedJsonIsInvalidToo() {
    serve(200, "{not json", 0);
    ConfigSnapshot s = source().snapshot();
    assertThat(s.config()).isNull();
    assertThat(events).singleElement().extracting(ConfigEvent::kind).isEqualTo(ConfigEvent.Kind.INVALID);
  }

  @Test
  void withoutAnyGoodConfigTheSnapshotIsEmpty() {
    serve(404, "{\"Message\":\"ResourceNotFoundException\"}", 0);
    ConfigSnapshot s = source().snapshot();
    assertThat(s.current()).isEmpty();
    assertThat(s.failures()).isEqualTo(1);
    assertThat(events.get(0).rolloutId()).isNull();
  }

  @Test
  void aConnectionResetIsCountedAsUnreachable() {
    agent.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertThat(source().snapshot().current()).isEmpty();
    assertThat(events.get(0).kind()).isEqualTo(ConfigEvent.Kind.UNREACHABLE);
  }

  @Test
  void noAgentListeningIsCountedAsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AppConfigAgentConfigSource source = new AppConfigAgentConfigSource(
        AppConfigAgentConfigSource.Settings.of("chat-app", "prod", "rollout").withAgent(URI.create("http://127.0.0.1:" + port)),
        clock, events::add);
    assertThat(source.snapshot().current()).isEmpty();
    assertThat(events.get(0).kind()).isEqualTo(ConfigEvent.Kind.UNREACHABLE);
  }

  @Test
  void namesAreEncodedIntoThePath() {
    AppConfigAgentConfigSource.Settings s = AppConfigAgentConfigSource.Settings.of("my app", "prod/eu", "roll out")
        .withAgent(URI.create("http://localhost:2772/"));
    assertThat(s.url().toString())
        .isEqualTo("http://localhost:2772/applications/my%20app/environments/prod%2Feu/configurations/roll%20out");
  }

  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
