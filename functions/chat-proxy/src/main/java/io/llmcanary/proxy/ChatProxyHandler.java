package io.llmcanary.proxy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.llmcanary.proxy.priming.ProxyPriming;
import java.util.Map;
import java.util.Objects;
import org.crac.Core;
import org.crac.Resource;

/**
 * The chat-proxy Lambda (API Gateway HTTP API, payload format 2.0): {@code POST /chat} and {@code POST /feedback}.
 * Thin on purpose: map the event, hand it to {@link ChatProxyApp}, map the reply. Everything is built once per
 * container, in the constructor; a warm request makes no AWS API call (config from the agent's cache, metrics
 * as EMF on stdout). Under SnapStart the checkpoint is preceded by a dry run through the request path, the agent
 * path and the wired model adapters ({@link ProxyPriming}), so the restored container has its classes loaded and
 * its code paths warm.
 */
public final class ChatProxyHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {

  private final java.util.function.Supplier<ChatProxyApp> app;
  private final SecretRotation rotation;
  private final Map<String, String> env;
  private final Runnable sdkWarmUp;
  private volatile ProxyPriming.Report lastPriming;

  /** The Lambda runtime's constructor: wiring from the environment. */
  public ChatProxyHandler() {
    this(System.getenv(), ProxyPriming::sdkWarmUp);
  }

  /** The Lambda wiring from {@code env}; {@code sdkWarmUp} is what priming runs as the SDK's warm-up in Lambda. */
  ChatProxyHandler(Map<String, String> env, Runnable sdkWarmUp) {
    this(ChatProxyWiring.secretFromSecretsManager(env) ? ChatProxyWiring.secretRotation(env) : null, env, sdkWarmUp);
    Core.getGlobalContext().register(this);
  }

  /** The secret from Secrets Manager when {@code rotation} is given, else from the environment. */
  private ChatProxyHandler(SecretRotation rotation, Map<String, String> env, Runnable sdkWarmUp) {
    this(rotation, rotation == null ? ChatProxyWiring.fromEnvironment(env) : null, env, sdkWarmUp);
  }

  /** With the proxy rebuilt as its secret rotates (tests: a rotation wired over a stub secret source). */
  ChatProxyHandler(SecretRotation rotation, Map<String, String> env) {
    this(rotation, null, env, () -> { });
  }

  private ChatProxyHandler(SecretRotation rotation, ChatProxyApp fixed, Map<String, String> env, Runnable sdkWarmUp) {
    this.rotation = rotation;
    this.app = rotation != null ? rotation::app : () -> fixed;
    this.env = Map.copyOf(env);
    this.sdkWarmUp = sdkWarmUp;
  }

  public ChatProxyHandler(ChatProxyApp app) {
    this(app, Map.of(), () -> { });
  }

  /** An app wired elsewhere (tests) with the environment priming reads. */
  ChatProxyHandler(ChatProxyApp app, Map<String, String> env, Runnable sdkWarmUp) {
    this(null, Objects.requireNonNull(app, "app"), env, sdkWarmUp);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return ApiGatewayV2.toResponse(app.get().handle(ApiGatewayV2.toCall(event)));
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    ProxyPriming.Report r = ProxyPriming.prime(env, sdkWarmUp);
    lastPriming = r;
    if (!r.failures().isEmpty()) {
      // Step names and exception classes only; the snapshot goes ahead, less primed.
      System.out.println("{\"level\":\"WARN\",\"message\":\"priming\",\"failures\":\""
          + String.join("; ", r.failures()).replace("\"", "'") + "\"}");
    }
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // The secret is read again: the snapshot may be older than its last rotation (docs/architecture.md#security-and-trust-boundaries). Nothing else to redo:
    // the agent is asked on the first request after its TTL; the SDK clients keep no connections worth keeping across
    // a snapshot (priming used its own throwaway clients and closed them).
    if (rotation != null) {
      rotation.afterRestore();
    }
  }

  /** What the last {@link #beforeCheckpoint} dry run exercised (null before one ran). */
  ProxyPriming.Report lastPriming() {
    return lastPriming;
  }
}
