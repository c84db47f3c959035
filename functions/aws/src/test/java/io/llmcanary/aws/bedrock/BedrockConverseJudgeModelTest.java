package io.llmcanary.aws.bedrock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.ports.JudgeModel;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/**
 * The judge adapter against a local server speaking Bedrock Runtime's Converse REST-JSON protocol, with the
 * documented response ({@code output.message.content[].text}, {@code stopReason}, {@code usage}) and error shapes
 * ({@code x-amzn-ErrorType} header, {@code {"message"}} body): a good grade, malformed grades, throttling, timeout.
 */
class BedrockConverseJudgeModelTest {

  @RegisterExtension
  static WireMockExtension bedrock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String MODEL = QualityJudgeConfig.DEFAULT_MODEL;
  static final String PATH = "/model/" + MODEL.replace(":", "%3A") + "/converse";
  static final List<ChatMessage> CONVERSATION = List.of(new ChatMessage("user", "What is a canary release?"));

  BedrockRuntimeClient client;

  BedrockConverseJudgeModel judge(Duration timeout) {
    client = BedrockRuntimeClient.builder()
        .endpointOverride(URI.create(bedrock.baseUrl()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.builder().build())
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
        .build();
    return new BedrockConverseJudgeModel(new BedrockConverseChatModel(client), MODEL, timeout);
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  static void answer(String stopReason, String text) {
    bedrock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", "0d7c1f52-3f0e-4c7e-9a0b-6b1f5e2d9c11")
        .withBody("""
            {"metrics":{"latencyMs":402},
             "output":{"message":{"content":[{"text":%s}],"role":"assistant"}},
             "stopReason":"%s",
             "usage":{"inputTokens":310,"outputTokens":6,"totalTokens":316}}
            """.formatted(jsonString(text), stopReason))));
  }

  static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static void error(int status, String type, String message) {
    bedrock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .withBody("{\"message\":\"" + message + "\"}")));
  }

  @Test
  void aGoodGradeIsReadAsOneOrZero() {
    answer("end_turn", "{\"verdict\":\"pass\"}");
    assertThat(judge(Duration.ofSeconds(5)).grade("be helpful", CONVERSATION, "A canary goes to a few users first."))
        .isEqualTo(1.0);
    answer("end_turn", " { \"verdict\" : \"fail\" }\n");
    assertThat(judge(Duration.ofSeconds(5)).grade("be helpful", CONVERSATION, "No.")).isEqualTo(0.0);
  }

  @Test
  void theRequestCarriesTheJudgeModelRubricContractAndTaggedConversationAtTemperatureZero() {
    answer("end_turn", "{\"verdict\":\"pass\"}");
    judge(Duration.ofSeconds(5)).grade("Rubric: be correct.", CONVERSATION, "An answer.");
    bedrock.verify(postRequestedFor(urlPathEqualTo(PATH))
        .withRequestBody(matchingJsonPath("$.system[0].text", containing("{\"verdict\":\"pass\"}")))
        .withRequestBody(matchingJsonPath("$.system[0].text", containing("<rubric>\nRubric: be correct.\n</rubric>")))
        .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("user")))
        .withRequestBody(matchingJsonPath("$.messages[0].content[0].text",
            containing("<user>\nWhat is a canary release?\n</user>")))
        .withRequestBody(matchingJsonPath("$.messages[0].content[0].text", containing("<answer>\nAn answer.\n</answer>")))
        .withRequestBody(matchingJsonPath("$.inferenceConfig.temperature", equalTo("0.0")))
        .withRequestBody(matchingJsonPath("$.inferenceConfig.maxTokens", equalTo("20"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pass", "{\"verdict\":\"PASS\"}", "{\"verdict\":1}", "{\"verdict\":\"pass\",\"why\":\"ok\"}",
      "The answer passes. {\"verdict\":\"pass\"}", "```json\n{\"verdict\":\"pass\"}\n```", ""})
  void aMalformedGradeIsAJudgeErrorNeverAScore(String text) {
    answer("end_turn", text);
    assertThatThrownBy(() -> judge(Duration.ofSeconds(5)).grade("r", CONVERSATION, "a"))
        .isInstanceOf(JudgeModel.JudgeModelException.class)
        .hasMessageStartingWith("malformed grade");
  }

  @Test
  void aGradeCutOffByMaxTokensIsAJudgeError() {
    answer("max_tokens", "{\"verdict\":\"pa");
    assertThatThrownBy(() -> judge(Duration.ofSeconds(5)).grade("r", CONVERSATION, "a"))
        .isInstanceOf(JudgeModel.JudgeModelException.class).hasMessageContaining("max_tokens");
  }

  @Test
  void aComparisonNamesAnswerAOrBOrATie() {
    BedrockConverseJudgeModel j = judge(Duration.ofSeconds(5));
    answer("end_turn", "{\"better\":\"A\"}");
    assertThat(j.compare("r", CONVERSATION, "first", "second")).isEqualTo(JudgeModel.Comparison.FIRST);
    answer("end_turn", "{\"better\":\"B\"}");
    assertThat(j.compare("r", CONVERSATION, "first", "second")).isEqualTo(JudgeModel.Comparison.SECOND);
    answer("end_turn", "{\"better\":\"tie\"}");
    assertThat(j.compare("r", CONVERSATION, "first", "second")).isEqualTo(JudgeModel.Comparison.TIE);
    bedrock.verify(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(matchingJsonPath(
        "$.messages[0].content[0].text", containing("<answer_A>\nfirst\n</answer_A>\n<answer_B>\nsecond\n</answer_B>"))));
    answer("end_turn", "{\"better\":\"C\"}");
    assertThatThrownBy(() -> j.compare("r", CONVERSATION, "first", "second"))
        .isInstanceOf(JudgeModel.JudgeModelException.class).hasMessageStartingWith("malformed comparison");
  }

  @Test
  void throttlingIsAJudgeErrorThatKeepsItsRetryableCause() {
    error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    assertThatThrownBy(() -> judge(Duration.ofSeconds(5)).grade("r", CONVERSATION, "a"))
        .isInstanceOfSatisfying(JudgeModel.JudgeModelException.class, e -> {
          assertThat(e.getCause()).isInstanceOfSatisfying(ChatModelException.class,
              c -> assertThat(c.kind()).isEqualTo(ChatModelException.Kind.THROTTLED));
          assertThat(e.getMessage()).isEqualTo("judge model throttled");
        });
  }

  @Test
  void noGradeWithinTheTimeoutIsAJudgeErrorOfKindTimeout() {
    bedrock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)
        .withHeader("Content-Type", "application/json").withBody("{}")));
    assertThatThrownBy(() -> judge(Duration.ofMillis(300)).grade("r", CONVERSATION, "a"))
        .isInstanceOfSatisfying(JudgeModel.JudgeModelException.class, e -> assertThat(
            ((ChatModelException) e.getCause()).kind()).isEqualTo(ChatModelException.Kind.TIMEOUT));
  }

  @Test
  void aJudgeErrorNeverQuotesTheConversationOrTheAnswer() {
    answer("end_turn", "I think the answer about canary releases is fine");
    assertThatThrownBy(() -> judge(Duration.ofSeconds(5)).grade("r", CONVERSATION, "secret answer text"))
        .isInstanceOfSatisfying(JudgeModel.JudgeModelException.class, e -> assertThat(e.getMessage())
            .doesNotContain("canary").doesNotContain("secret answer"));
  }
}
