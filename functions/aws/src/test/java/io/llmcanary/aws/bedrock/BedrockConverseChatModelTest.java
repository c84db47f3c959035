package io.llmcanary.aws.bedrock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.VersionSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The Converse adapter against a local server speaking Bedrock Runtime's REST-JSON protocol: responses and errors
 * shaped like the service's ({@code x-amzn-ErrorType} header, {@code {"message"}} body, the documented status codes).
 */
class BedrockConverseChatModelTest {

  @RegisterExtension
  static WireMockExtension bedrock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static final String PATH = "/model/" + MODEL.replace(":", "%3A") + "/converse";

  BedrockRuntimeClient client;

  BedrockConverseChatModel model(int maxAttempts) {
    client = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create(bedrock.baseUrl()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(maxAttempts)))
        .build();
    return new BedrockConverseChatModel(client);
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  static ChatRequest request(boolean json, Duration timeout) {
    VersionSpec v = new VersionSpec(MODEL, "bedrock", "You are a concise assistant.",
        List.of(new VersionSpec.ChatTurn("user", "Example question"), new VersionSpec.ChatTurn("assistant", "Example answer")),
        0.3, 512);
    return new ChatRequest(v, List.of(new ChatMessage("user", "What is a canary release?")), json, timeout);
  }

  static void answer(String stopReason, String text) {
    bedrock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", "5f3b7a2c-0d4e-4b8a-9a61-2c7b1e0f9d31")
        .withBody("""
            {"metrics":{"latencyMs":812},
             "output":{"message":{"content":[{"text":"%s"}],"role":"assistant"}},
             "stopReason":"%s",
             "usage":{"inputTokens":25,"outputTokens":42,"totalTokens":67}}
            """.formatted(text, stopReason))));
  }

  static void error(int status, String type, String message) {
    bedrock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .withHeader("x-amzn-RequestId", "9a1c0b7e-1111-4a2b-8c3d-000000000000")
        .withBody("{\"message\":\"" + message + "\"}")));
  }

  @Test
  void anAnswerCarriesTheTextTheProvidersTokenUsageAndANormalisedFinishReason() {
    answer("end_turn", "A canary release goes to a few users first.");
    ChatResult r = model(1).complete(request(false, Duration.ofSeconds(5)));
    assertThat(r).isEqualTo(new ChatResult("A canary release goes to a few users first.", 25, 42, "stop"));
  }

  @Test
  void theRequestCarriesModelSystemPromptFewShotMessagesAndInferenceParameters() {
    answer("end_turn", "ok");
    model(1).complete(request(false, Duration.ofSeconds(5)));
    bedrock.verify(postRequestedFor(urlPathEqualTo(PATH))
        .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.containing("AWS4-HMAC-SHA256"))
        .withRequestBody(matchingJsonPath("$.system[0].text", equalTo("You are a concise assistant.")))
        .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
        .withRequestBody(matchingJsonPath("$.messages[0].content[0].text", equalTo("Example question")))
        .withRequestBody(matchingJsonPath("$.messages[1].role", equalTo("assistant")))
        .withRequestBody(matchingJsonPath("$.messages[2].content[0].text", equalTo("What is a canary release?")))
        .withRequestBody(matchingJsonPath("$.inferenceConfig.maxTokens", equalTo("512")))
        .withRequestBody(matchingJsonPath("$.inferenceConfig.temperature", equalTo("0.3"))));
  }

  @Test
  void askingForJsonAddsOneInstructionToTheSystemPrompt() {
    answer("end_turn", "{}");
    model(1).complete(request(true, Duration.ofSeconds(5)));
    bedrock.verify(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath("$.system[0].text",
        equalTo("You are a concise assistant.\n\n" + BedrockConverseChatModel.JSON_INSTRUCTION))));
  }

  @Test
  void stopReasonsMapToFinishReasons() {
    answer("max_tokens", "cut");
    assertThat(model(1).complete(request(false, Duration.ofSeconds(5))).finishReason()).isEqualTo("max_tokens");
    assertThat(BedrockConverseChatModel.finishReason("guardrail_intervened")).isEqualTo("content_filter");
    assertThat(BedrockConverseChatModel.finishReason("content_filtered")).isEqualTo("content_filter");
    assertThat(BedrockConverseChatModel.finishReason("stop_sequence")).isEqualTo("stop");
    assertThat(BedrockConverseChatModel.finishReason("tool_use")).isEqualTo("other");
  }

  @Test
  void throttlingExceptionIsThrottled() {
    error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    assertKind(model(1), ChatModelException.Kind.THROTTLED);
  }

  @Test
  void throttlingIsRetriedByTheSdkUpToTheConfiguredAttempts() {
    error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    assertKind(model(2), ChatModelException.Kind.THROTTLED);
    bedrock.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
  }

  @Test
  void serviceQuotaExceededIsThrottled() {
    error(400, "ServiceQuotaExceededException", "Your request exceeds the service quota for your account.");
    assertKind(model(1), ChatModelException.Kind.THROTTLED);
  }

  @Test
  void modelTimeoutExceptionIsATimeout() {
    error(408, "ModelTimeoutException", "Model has timed out in processing the request.");
    assertKind(model(1), ChatModelException.Kind.TIMEOUT);
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIsATimeout() {
    bedrock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)
        .withHeader("Content-Type", "application/json").withBody("{}")));
    BedrockConverseChatModel m = model(1);
    long start = System.nanoTime();
    assertThatThrownBy(() -> m.complete(request(false, Duration.ofMillis(300))))
        .isInstanceOfSatisfying(ChatModelException.class, e -> assertThat(e.kind()).isEqualTo(ChatModelException.Kind.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void validationExceptionIsAnError() {
    error(400, "ValidationException", "The provided model identifier is invalid.");
    assertKind(model(1), ChatModelException.Kind.ERROR);
  }

  @Test
  void serverErrorsAreErrors() {
    error(500, "InternalServerException", "The server encountered an internal error.");
    assertKind(model(1), ChatModelException.Kind.ERROR);
    error(503, "ServiceUnavailableException", "The service is unavailable.");
    assertKind(model(1), ChatModelException.Kind.ERROR);
    error(424, "ModelErrorException", "The model failed to process the request.");
    assertKind(model(1), ChatModelException.Kind.ERROR);
  }

  @Test
  void anErrorMessageDoesNotQuoteTheProvidersMessage() {
    error(400, "ValidationException", "Input text: What is a canary release?");
    assertThatThrownBy(() -> model(1).complete(request(false, Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(ChatModelException.class, e -> {
          assertThat(e.getMessage()).doesNotContain("canary release");
          assertThat(e.getMessage()).contains("400").contains("ValidationException");
        });
  }

  private static void assertKind(BedrockConverseChatModel m, ChatModelException.Kind kind) {
    assertThatThrownBy(() -> m.complete(request(false, Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(ChatModelException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
