package io.llmcanary.proxy;

import io.llmcanary.core.secrets.CachedSecret;
import io.llmcanary.core.secrets.SecretVersions;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The proxy as its secret last read (docs/architecture.md#security-and-trust-boundaries): built at init from the secret's current and previous values,
 * rebuilt after a SnapStart restore when the secret rotated since the snapshot, and rebuilt in the background when a
 * refresh interval has passed and the secret rotated meanwhile, so a manual rotation (PutSecretValue) reaches every
 * container within the interval without a redeploy. A request never waits for Secrets Manager: it gets the proxy
 * built with the last good secret while a refresh runs on a virtual thread (Lambda thaws it with the next request).
 */
final class SecretRotation {

  private final CachedSecret secret;
  private final Function<SecretVersions, ChatProxyApp> build;
  private final Consumer<String> log;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile ChatProxyApp app;

  SecretRotation(CachedSecret secret, Function<SecretVersions, ChatProxyApp> build, Consumer<String> log) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.build = Objects.requireNonNull(build, "build");
    this.log = log == null ? System.out::println : log;
    this.app = build.apply(secret.versions());
  }

  /** The proxy to answer with; starts a background refresh when one is due. */
  ChatProxyApp app() {
    ChatProxyApp current = app; // this request is answered by the proxy as it is now, whatever the refresh does
    if (secret.due() && refreshing.compareAndSet(false, true)) {
      Thread.ofVirtual().name("secret-refresh").start(() -> {
        try {
          apply(secret.refreshIfDue(), "refresh");
        } finally {
          refreshing.set(false);
        }
      });
    }
    return current;
  }

  /** After a SnapStart restore: read at once, since the snapshot may be older than the last rotation. */
  void afterRestore() {
    apply(secret.reload(), "restore");
  }

  /** Reads now and waits (tests, and the restore hook). */
  void refreshNow() {
    apply(secret.reload(), "refresh");
  }

  private void apply(CachedSecret.Refresh r, String when) {
    switch (r) {
      case CachedSecret.Refresh.Rotated rotated -> {
        app = build.apply(rotated.versions());
        log.accept("{\"level\":\"INFO\",\"message\":\"secret rotated\",\"on\":\"" + when
            + "\",\"previousAccepted\":" + rotated.versions().previousValue().isPresent() + "}");
      }
      case CachedSecret.Refresh.Failed f -> log.accept("{\"level\":\"WARN\",\"message\":\"secret refresh failed; the"
          + " last good secret stays\",\"on\":\"" + when + "\",\"error\":\"" + f.why().replace("\"", "'") + "\"}");
      case CachedSecret.Refresh.Unchanged u -> { }
    }
  }
}
