package io.llmcanary.aws.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAI-compatible client against a local server answering like the Chat Completions API. */
class OpenAiCompatibleChatModelTest {

  @RegisterExtension
  static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String PATH = "/v1/chat/completions";

  OpenAiCompatibleChatModel model(String key) {
    return new OpenAiCompatibleChatModel(OpenAiCompatibleChatModel.Settings.of(api.baseUrl() + "/v1/", key));
  }

  static ChatRequest request(boolean json, Duration timeout) {
    VersionSpec v = new VersionSpec("deepseek-chat", "openai", "You are helpful.", List.of(), 0.7, 300);
    return new ChatRequest(v, List.of(new ChatMessage("user", "What is a canary release?")), json, timeout);
  }

  static void answer(String finish, String contentJson) {
    api.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("""
            {"id":"chatcmpl-9x8y7z","object":"chat.completion","created":1764151200,"model":"deepseek-chat",
             "choices":[{"index":0,"message":{"role":"assistant","content":%s},"logprobs":null,"finish_reason":"%s"}],
             "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29},
             "system_fingerprint":"fp_3a5770e1b4"}
            """.formatted(contentJson, finish))));
  }

  static void error(int status, String type, String code) {
    api.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"message\":\"What is a canary release? was rejected\",\"type\":\"" + type
            + "\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}")));
  }

  @Test
  void anAnswerCarriesTextUsageAndFinishReason() {
    answer("stop", "\"A release to a few users first.\"");
    ChatResult r = model("sk-test").complete(request(false, Duration.ofSeconds(5)));
    assertThat(r).isEqualTo(new ChatResult("A release to a few users first.", 19, 10, "stop"));
  }

  @Test
  void theRequestCarriesBearerKeyModelMessagesAndParameters() {
    answer("stop", "\"ok\"");
    model("sk-test").complete(request(false, Duration.ofSeconds(5)));
    api.verify(postRequestedFor(urlEqualTo(PATH))
        .withHeader("Authorization", equalTo("Bearer sk-test"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(matchingJsonPath("$.model", equalTo("deepseek-chat")))
        .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system")))
        .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("You are helpful.")))
        .withRequestBody(matchingJsonPath("$.messages[1].content", equalTo("What is a canary release?")))
        .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("300")))
        .withRequestBody(matchingJsonPath("$.temperature", equalTo("0.7")))
        .withRequestBody(matchingJsonPath("$.response_format", absent())));
  }

  @Test
  void askingForJsonSetsJsonObjectModeAndSaysJsonInTheSystemPrompt() {
    answer("stop", "\"{\\\"a\\\":1}\"");
    model("sk-test").complete(request(true, Duration.ofSeconds(5)));
    api.verify(postRequestedFor(urlEqualTo(PATH))
        .withRequestBody(matchingJsonPath("$.response_format.type", equalTo("json_object")))
        .withRequestBody(matchingJsonPath("$.messages[0].content",
            equalTo("You are helpful.\n\n" + OpenAiCompatibleChatModel.JSON_INSTRUCTION))));
  }

  @Test
  void withoutAKeyNoAuthorizationHeaderIsSent() {
    answer("stop", "\"ok\"");
    model(null).complete(request(false, Duration.ofSeconds(5)));
    api.verify(postRequestedFor(urlEqualTo(PATH)).withoutHeader("Authorization"));
  }

  @Test
  void lengthIsMaxTokensAndANullContentIsAnEmptyAnswer() {
    answer("length", "null");
    ChatResult r = model("k").complete(request(false, Duration.ofSeconds(5)));
    assertThat(r.finishReason()).isEqualTo("max_tokens");
    assertThat(r.text()).isEmpty();
  }

  @Test
  void http429IsThrottled() {
    error(429, "rate_limit_exceeded", "rate_limit_exceeded");
    assertKind(ChatModelException.Kind.THROTTLED);
  }

  @Test
  void serverErrorsAndBadRequestsAreErrorsNamingTheCodeButNotTheMessage() {
    error(500, "server_error", null);
    assertKind(ChatModelException.Kind.ERROR);
    error(400, "invalid_request_error", "model_not_found");
    assertThatThrownBy(() -> model("k").complete(request(false, Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(ChatModelException.class, e -> {
          assertThat(e.kind()).isEqualTo(ChatModelException.Kind.ERROR);
          assertThat(e.getMessage()).contains("400").contains("model_not_found").doesNotContain("canary");
        });
  }

  @Test
  void gatewayTimeoutAndASlowServerAreTimeouts() {
    error(504, "timeout", null);
    assertKind(ChatModelException.Kind.TIMEOUT);
    api.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(3000).withBody("{}")));
    assertThatThrownBy(() -> model("k").complete(request(false, Duration.ofMillis(300))))
        .isInstanceOfSatisfying(ChatModelException.class, e -> assertThat(e.kind()).isEqualTo(ChatModelException.Kind.TIMEOUT));
  }

  @Test
  void aResponseWithoutChoicesOrNotJsonIsAnError() {
    api.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("{\"choices\":[]}")));
    assertKind(ChatModelException.Kind.ERROR);
    api.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("<html>")));
    assertKind(ChatModelException.Kind.ERROR);
  }

  @Test
  void aDroppedConnectionIsAnError() {
    api.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertKind(ChatModelException.Kind.ERROR);
  }

  @Test
  void theKeyNeverShowsInTheSettingsToString() {
    assertThat(OpenAiCompatibleChatModel.Settings.of("http://x", "sk-very-secret").toString()).doesNotContain("sk-very");
  }

  private void assertKind(ChatModelException.Kind kind) {
    assertThatThrownBy(() -> model("k").complete(request(false, Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(ChatModelException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
