package io.llmcanary.aws.bedrock;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.ChatModel;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * Any Bedrock model (Claude, DeepSeek, Llama, Nova, …) through the Converse API, one interface for all of them.
 * The client is built once per container and passed in; the per-request timeout is the call's API timeout.
 *
 * <p>Errors map to {@link ChatModelException.Kind}: ThrottlingException, ServiceQuotaExceededException,
 * ModelNotReadyException and HTTP 429 are THROTTLED; ModelTimeoutException (408), the SDK's call and attempt
 * timeouts and socket read timeouts are TIMEOUT; everything else (ValidationException, AccessDenied, ModelError,
 * 5xx, an unreadable response) is ERROR. Converse has no generic JSON mode, so when JSON is asked the system prompt
 * gains one instruction; the answer is then checked for JSON by the proxy.
 */
public final class BedrockConverseChatModel implements ChatModel {

  public static final String PROVIDER = "bedrock";
  static final String JSON_INSTRUCTION =
      "Respond with a single valid JSON object only: no prose, no Markdown code fence.";

  private final BedrockRuntimeClient client;

  public BedrockConverseChatModel(BedrockRuntimeClient client) {
    this.client = client;
  }

  @Override
  public ChatResult complete(ChatRequest request) throws ChatModelException {
    ConverseRequest converse = toConverse(request);
    ConverseResponse response;
    try {
      response = client.converse(converse);
    } catch (SdkException e) {
      throw map(e);
    }
    return toResult(response);
  }

  static ConverseRequest toConverse(ChatRequest request) {
    VersionSpec v = request.version();
    List<Message> messages = new ArrayList<>(v.fewShot().size() + request.messages().size());
    for (VersionSpec.ChatTurn t : v.fewShot()) {
      messages.add(message(t.role(), t.content()));
    }
    for (ChatMessage m : request.messages()) {
      messages.add(message(m.role(), m.content()));
    }
    String system = v.systemPrompt() == null ? "" : v.systemPrompt();
    if (request.jsonResponse()) {
      system = system.isBlank() ? JSON_INSTRUCTION : system + "\n\n" + JSON_INSTRUCTION;
    }
    ConverseRequest.Builder b = ConverseRequest.builder()
        .modelId(v.model())
        .messages(messages)
        .inferenceConfig(InferenceConfiguration.builder()
            .maxTokens(v.maxTokens())
            .temperature(v.temperature().floatValue())
            .build());
    if (!system.isBlank()) { // Converse refuses a blank system block
      b.system(SystemContentBlock.builder().text(system).build());
    }
    if (request.timeout() != null) {
      b.overrideConfiguration(o -> o.apiCallTimeout(request.timeout()));
    }
    return b.build();
  }

  private static Message message(String role, String text) {
    return Message.builder()
        .role("assistant".equals(role) ? ConversationRole.ASSISTANT : ConversationRole.USER)
        .content(ContentBlock.fromText(text))
        .build();
  }

  static ChatResult toResult(ConverseResponse r) {
    StringBuilder text = new StringBuilder();
    if (r.output() != null && r.output().message() != null && r.output().message().hasContent()) {
      for (ContentBlock block : r.output().message().content()) {
        if (block.text() != null) { // reasoning, tool use and other blocks are not the answer
          text.append(block.text());
        }
      }
    }
    TokenUsage u = r.usage();
    long in = u == null || u.inputTokens() == null ? 0 : u.inputTokens();
    long out = u == null || u.outputTokens() == null ? 0 : u.outputTokens();
    return new ChatResult(text.toString(), in, out, finishReason(r.stopReasonAsString()));
  }

  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return "other";
    }
    return switch (stopReason) {
      case "end_turn", "stop_sequence" -> "stop";
      case "max_tokens", "model_context_window_exceeded" -> "max_tokens";
      case "guardrail_intervened", "content_filtered" -> "content_filter";
      default -> "other";
    };
  }

  static ChatModelException map(SdkException e) {
    if (e instanceof ThrottlingException || e instanceof ServiceQuotaExceededException
        || e instanceof ModelNotReadyException) {
      return new ChatModelException(ChatModelException.Kind.THROTTLED, "Bedrock throttled the request", e);
    }
    if (e instanceof ModelTimeoutException || e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException || causedByTimeout(e)) {
      return new ChatModelException(ChatModelException.Kind.TIMEOUT, "Bedrock did not answer in time", e);
    }
    if (e instanceof AwsServiceException s) {
      int status = s.statusCode();
      if (status == 429) {
        return new ChatModelException(ChatModelException.Kind.THROTTLED, "Bedrock throttled the request", e);
      }
      if (status == 408) {
        return new ChatModelException(ChatModelException.Kind.TIMEOUT, "Bedrock did not answer in time", e);
      }
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      return new ChatModelException(ChatModelException.Kind.ERROR,
          "Bedrock answered HTTP " + status + (code == null ? "" : " " + code), e);
    }
    return new ChatModelException(ChatModelException.Kind.ERROR,
        "Bedrock call failed: " + (e instanceof SdkClientException ? "client error" : e.getClass().getSimpleName()), e);
  }

  private static boolean causedByTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
