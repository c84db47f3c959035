package io.llmcanary.proxy.priming;

import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.proxy.ChatProxyWiring;
import java.util.Map;

/**
 * What the {@link LoopbackStub} answers each dry-run client: the shapes the real services return, with no user's
 * text in them, so each adapter's parsing runs as on a real answer.
 */
final class CannedAnswers {

  /** The throwaway SQS client's endpoint path: SQS posts to the endpoint's root, which the stub could not tell by. */
  static final String SQS_PATH = "/sqs-priming";

  private static final String CONVERSE = "{\"metrics\":{\"latencyMs\":1},\"output\":{\"message\":{\"content\":"
      + "[{\"text\":\"{\\\"ok\\\": true}\"}],\"role\":\"assistant\"}},\"stopReason\":\"end_turn\","
      + "\"usage\":{\"inputTokens\":5,\"outputTokens\":4,\"totalTokens\":9}}";
  private static final String OPENAI = "{\"id\":\"priming\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"ok\\\": true}\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}";
  private static final String SQS_SEND = "{\"MessageId\":\"00000000-0000-0000-0000-000000000000\"}";

  private CannedAnswers() {}

  /** By the path fragment each client's requests contain: the agent's, Converse's, chat completions', SQS's. */
  static Map<String, String> byPathFragment() {
    return Map.of(
        "/configurations/", RolloutConfigCodec.write(ChatProxyWiring.offlineRollout()),
        "/converse", CONVERSE,
        "/chat/completions", OPENAI,
        SQS_PATH, SQS_SEND);
  }
}
