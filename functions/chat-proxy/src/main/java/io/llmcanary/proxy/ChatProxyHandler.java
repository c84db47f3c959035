package io.llmcanary.proxy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.crac.Core;
import org.crac.Resource;

/**
 * The chat-proxy Lambda (API Gateway HTTP API, payload format 2.0): {@code POST /chat} and {@code POST /feedback}.
 * Thin on purpose: map the event, hand it to {@link ChatProxyApp}, map the reply. Everything is built once per
 * container, in the constructor; a warm request makes no AWS API call (config from the agent's cache, metrics
 * as EMF on stdout). Under SnapStart the checkpoint is preceded by a dry run through the request path
 * ({@link ProxyPriming}), so the restored container has its classes loaded and its code paths warm.
 */
public final class ChatProxyHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {

  private final ChatProxyApp app;

  /** The Lambda runtime's constructor: wiring from the environment. */
  public ChatProxyHandler() {
    this(ChatProxyWiring.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(this);
  }

  public ChatProxyHandler(ChatProxyApp app) {
    this.app = app;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return ApiGatewayV2.toResponse(app.handle(ApiGatewayV2.toCall(event)));
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    ProxyPriming.prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to redo: the agent is asked on the first request after its TTL; the SDK client keeps no connections
    // worth keeping across a snapshot.
  }
}
