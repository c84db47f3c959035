package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.ports.SecretSource.SecretUnavailableException;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.core.secrets.CachedSecret;
import io.llmcanary.core.secrets.SecretVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The secret after a SnapStart restore and across a rotation, through the handler: a feedback token signed before
 * the rotation is still accepted after it (the previous value verifies), one signed with a secret two rotations old
 * is not, and nothing of it waits on a request.
 */
class SecretRotationTest {

  static final String FIRST = "first-feedback-secret-0123456789abcdef";
  static final String SECOND = "second-feedback-secret-0123456789abcdef";
  static final String THIRD = "third-feedback-secret-0123456789abcdef";

  private final AtomicReference<SecretVersions> stored = new AtomicReference<>(new SecretVersions(FIRST, null));
  private final AtomicReference<Instant> now = new AtomicReference<>(TestProxy.NOW);
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private boolean failing;
  private final FixedConfigSource config = new FixedConfigSource(ChatProxyWiring.offlineRollout());

  private SecretRotation rotation() {
    CachedSecret secret = new CachedSecret(() -> {
      if (failing) {
        throw new SecretUnavailableException("cannot read secret feedback (AWSCURRENT): AccessDeniedException", null);
      }
      return stored.get();
    }, Duration.ofMinutes(5), now::get);
    return new SecretRotation(secret, v -> ChatProxyWiring.builder().configSource(config)
        .secret(v.current(), v.previous()).clock(Clock.fixed(TestProxy.NOW, ZoneOffset.UTC)).output(lines::add).build(),
        lines::add);
  }

  private static TestProxy.Reply invoke(ChatProxyHandler h, String eventJson) {
    try {
      return new TestProxy.Reply(h.handleRequest(ApiGatewayV2.readEvent(eventJson), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int chats;

  /** A chat answer's token; each answer its own request id (a token counts once per answer). */
  private String tokenFrom(ChatProxyHandler h) {
    String event = TestProxy.event("chat-valid").replaceFirst("\"requestId\"\\s*:\\s*\"[^\"]*\"",
        "\"requestId\": \"rotation-" + (++chats) + "\"");
    TestProxy.Reply chat = invoke(h, event);
    assertThat(chat.status()).isEqualTo(200);
    return chat.json().path("feedbackToken").asText();
  }

  private static int feedback(ChatProxyHandler h, String token) {
    return invoke(h, TestProxy.event("feedback-valid").replace("{{feedbackToken}}", token)).status();
  }

  @Test
  void afterARestoreTheRotatedSecretSignsAndTokensOfTheOldOneAreStillAccepted() {
    SecretRotation rotation = rotation();
    ChatProxyHandler handler = new ChatProxyHandler(rotation, Map.of());
    String beforeRotation = tokenFrom(handler);
    stored.set(new SecretVersions(SECOND, FIRST)); // rotated while the snapshot slept

    handler.afterRestore(null);

    String afterRotation = tokenFrom(handler);
    assertThat(afterRotation).isNotEqualTo(beforeRotation);
    assertThat(feedback(handler, beforeRotation)).isEqualTo(200);
    assertThat(feedback(handler, afterRotation)).isEqualTo(200);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("secret rotated").contains("\"on\":\"restore\"")
        .doesNotContain(SECOND).doesNotContain(FIRST));
  }

  @Test
  void aTokenSignedTwoRotationsAgoIsRefused() {
    SecretRotation rotation = rotation();
    ChatProxyHandler handler = new ChatProxyHandler(rotation, Map.of());
    String ancient = tokenFrom(handler);
    stored.set(new SecretVersions(THIRD, SECOND));

    rotation.refreshNow();

    assertThat(feedback(handler, ancient)).isEqualTo(403);
  }

  @Test
  void withinTheIntervalNoRequestReadsTheSecretAndAFailedReadKeepsTheLastGoodSecret() {
    SecretRotation rotation = rotation();
    ChatProxyHandler handler = new ChatProxyHandler(rotation, Map.of());
    String token = tokenFrom(handler);
    stored.set(new SecretVersions(SECOND, FIRST));
    assertThat(rotation.app()).as("not due: the proxy built at init answers").isSameAs(rotation.app());

    failing = true;
    rotation.refreshNow();

    assertThat(feedback(handler, token)).isEqualTo(200);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("secret refresh failed").contains("AccessDenied"));
  }

  @Test
  void aDueRefreshRunsOffTheRequestAndTheNextRequestsUseTheNewSecret() throws InterruptedException {
    SecretRotation rotation = rotation();
    ChatProxyApp atInit = rotation.app();
    stored.set(new SecretVersions(SECOND, FIRST));
    now.set(now.get().plus(Duration.ofMinutes(5)));

    ChatProxyApp answering = rotation.app(); // starts the refresh, answers with what it has
    assertThat(answering).isSameAs(atInit);
    for (int i = 0; i < 500 && rotation.app() == atInit; i++) {
      Thread.sleep(10);
    }
    assertThat(rotation.app()).isNotSameAs(atInit);
  }
}
