package io.llmcanary.proxy;

import io.llmcanary.core.chat.OfflineChatModel;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.proxy.FixedConfigSource;
import java.util.Map;
import java.util.UUID;

/**
 * A dry run through the request path before a SnapStart checkpoint: parsing, validation, routing, the offline
 * model, quality checks, token signing and verification, EMF and log encoding, JSON writing. It uses its own
 * throwaway app (the config that ships in the jar, the offline model, output discarded), so priming calls no
 * model, no agent and no AWS API, and records no metrics.
 */
public final class ProxyPriming {

  private ProxyPriming() {}

  public static void prime() {
    ChatProxyApp app = ChatProxyWiring.builder()
        .configSource(new FixedConfigSource(ChatProxyWiring.offlineRollout()))
        .models(new ChatModels(Map.of(OfflineChatModel.PROVIDER, new OfflineChatModel())))
        .secret(UUID.randomUUID() + "-" + UUID.randomUUID(), null)
        .output(line -> { })
        .build();
    for (int i = 0; i < 50; i++) {
      HttpReply chat = app.handle(new HttpCall("POST", "/chat", null, Map.of(),
          "{\"userId\":\"priming-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
              + "\"responseFormat\":\"" + (i % 2 == 0 ? "text" : "json") + "\"}", false, null));
      String token = chat.body().replaceAll(".*\"feedbackToken\":\"([^\"]+)\".*", "$1");
      app.handle(new HttpCall("POST", "/feedback", null, Map.of(),
          "{\"feedbackToken\":\"" + token + "\",\"score\":\"up\"}", false, null));
      app.handle(new HttpCall("POST", "/chat", null, Map.of(), "{\"userId\":", false, null));
    }
  }
}
