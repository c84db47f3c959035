package io.llmcanary.proxy.priming;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.proxy.ApiGatewayV2;
import io.llmcanary.proxy.ChatProxyApp;
import io.llmcanary.proxy.ChatProxyWiring;
import io.llmcanary.proxy.HttpCall;
import io.llmcanary.proxy.HttpReply;
import java.util.Map;
import java.util.UUID;

/**
 * The request path's dry run: a throwaway app on the config that ships in the jar and the offline model, with a
 * random secret and its output discarded, answering {@code /chat} events through the handler's own conversion both
 * ways, {@code /feedback} with each answer's token, and a malformed body. Counts as it goes, so a round that throws
 * leaves the counts of the rounds before it.
 */
final class RequestPathDryRun {

  private int chatRequests;
  private int chatAnswered;
  private int feedbackRecorded;

  void run() {
    ChatProxyApp app = ChatProxyWiring.builder()
        .configSource(new FixedConfigSource(ChatProxyWiring.offlineRollout()))
        .models(new ChatModels(Map.of(OfflineChatModel.PROVIDER, new OfflineChatModel())))
        .secret(UUID.randomUUID() + "-" + UUID.randomUUID(), null)
        .output(line -> { })
        .build();
    for (int i = 0; i < ProxyPriming.REQUEST_PATH_ROUNDS; i++) {
      // Through the handler's own event conversion both ways, as a Lambda invoke arrives and leaves.
      APIGatewayV2HTTPResponse chat = ApiGatewayV2.toResponse(app.handle(ApiGatewayV2.toCall(chatEvent(
          "{\"userId\":\"priming-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
              + "\"responseFormat\":\"" + (i % 2 == 0 ? "text" : "json") + "\"}", "priming-request-" + i))));
      chatRequests++;
      if (chat.getStatusCode() == 200) {
        chatAnswered++;
      }
      String token = chat.getBody().replaceAll(".*\"feedbackToken\":\"([^\"]+)\".*", "$1");
      HttpReply feedback = app.handle(new HttpCall("POST", "/feedback", null, Map.of(),
          "{\"feedbackToken\":\"" + token + "\",\"score\":\"up\",\"userId\":\"priming-" + i + "\"}", false, null));
      if (feedback.status() == 200) {
        feedbackRecorded++;
      }
      app.handle(new HttpCall("POST", "/chat", null, Map.of(), "{\"userId\":", false, null));
    }
  }

  int chatRequests() {
    return chatRequests;
  }

  int chatAnswered() {
    return chatAnswered;
  }

  int feedbackRecorded() {
    return feedbackRecorded;
  }

  /** A {@code POST /chat} event; each its own request id, as each answer's feedback token is good for one vote. */
  private static APIGatewayV2HTTPEvent chatEvent(String body, String requestId) {
    APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod("POST");
    http.setPath("/chat");
    APIGatewayV2HTTPEvent.RequestContext ctx = new APIGatewayV2HTTPEvent.RequestContext();
    ctx.setHttp(http);
    ctx.setStage("$default");
    ctx.setRequestId(requestId);
    APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
    e.setRouteKey("POST /chat");
    e.setRawPath("/chat");
    e.setHeaders(Map.of("Content-Type", "application/json"));
    e.setBody(body);
    e.setRequestContext(ctx);
    return e;
  }
}
