package io.llmcanary.aws.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatRequest;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.ports.ChatModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * An OpenAI-compatible Chat Completions endpoint over HTTP ({@code POST {baseUrl}/chat/completions}): OpenAI,
 * DeepSeek, vLLM, Ollama and the like. One {@link HttpClient} per container. The API key is passed in (from an
 * environment variable that the deployment resolves from Secrets Manager) and never logged; without one no
 * Authorization header is sent, as local servers expect.
 *
 * <p>JSON answers use {@code response_format: {"type": "json_object"}}; the system prompt also asks for JSON,
 * which OpenAI requires whenever that mode is on. Errors: 429 is THROTTLED; 408, 504 and a client-side timeout are
 * TIMEOUT; any other non-2xx, an I/O failure or a response without choices is ERROR.
 */
public final class OpenAiCompatibleChatModel implements ChatModel {

  public static final String PROVIDER = "openai";
  static final String JSON_INSTRUCTION = "Respond with a single valid JSON object only.";

  /**
   * @param baseUrl        e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
   * @param apiKey         bearer token, null or blank for none
   * @param connectTimeout TCP connect timeout; the request timeout comes with each request
   * @param maxTokensField {@code max_tokens} (widely supported) or {@code max_completion_tokens} (newer OpenAI models)
   */
  public record Settings(URI baseUrl, String apiKey, Duration connectTimeout, String maxTokensField) {

    public static Settings of(String baseUrl, String apiKey) {
      return new Settings(URI.create(baseUrl), apiKey, Duration.ofSeconds(3), "max_tokens");
    }

    @Override
    public String toString() { // the key must not reach a log through a toString
      return "Settings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "none" : "***")
          + ", connectTimeout=" + connectTimeout + ", maxTokensField=" + maxTokensField + "]";
    }
  }

  private final Settings settings;
  private final URI endpoint;
  private final HttpClient http;

  public OpenAiCompatibleChatModel(Settings settings) {
    this(settings, HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build());
  }

  public OpenAiCompatibleChatModel(Settings settings, HttpClient http) {
    this.settings = settings;
    this.endpoint = URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + "/chat/completions");
    this.http = http;
  }

  @Override
  public ChatResult complete(ChatRequest request) throws ChatModelException {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(request)));
    if (request.timeout() != null) {
      b.timeout(request.timeout());
    }
    if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
      b.header("Authorization", "Bearer " + settings.apiKey());
    }
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "the model endpoint did not answer in time", e);
    } catch (IOException e) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "the model endpoint could not be reached", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "interrupted while waiting for the model", e);
    }
    int status = response.statusCode();
    if (status == 429) {
      throw new ChatModelException(ChatModelException.Kind.THROTTLED, "the model endpoint answered HTTP 429");
    }
    if (status == 408 || status == 504) {
      throw new ChatModelException(ChatModelException.Kind.TIMEOUT, "the model endpoint answered HTTP " + status);
    }
    if (status / 100 != 2) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "the model endpoint answered HTTP " + status
          + errorCode(response.body()));
    }
    return parse(response.body());
  }

  String body(ChatRequest request) {
    VersionSpec v = request.version();
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("model", v.model());
    ArrayNode messages = root.putArray("messages");
    String system = v.systemPrompt() == null ? "" : v.systemPrompt();
    if (request.jsonResponse()) {
      system = system.isBlank() ? JSON_INSTRUCTION : system + "\n\n" + JSON_INSTRUCTION;
    }
    if (!system.isBlank()) {
      messages.addObject().put("role", "system").put("content", system);
    }
    for (VersionSpec.ChatTurn t : v.fewShot()) {
      messages.addObject().put("role", t.role()).put("content", t.content());
    }
    for (ChatMessage m : request.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    root.put("temperature", v.temperature());
    root.put(settings.maxTokensField(), v.maxTokens());
    if (request.jsonResponse()) {
      root.putObject("response_format").put("type", "json_object");
    }
    return root.toString();
  }

  static ChatResult parse(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "the model endpoint sent a response that is not JSON", e);
    }
    JsonNode choice = root == null ? null : root.path("choices").path(0);
    if (choice == null || choice.isMissingNode()) {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "the model endpoint sent a response without choices");
    }
    JsonNode content = choice.path("message").path("content");
    String text = content.isTextual() ? content.asText() : "";
    JsonNode usage = root.path("usage");
    return new ChatResult(text, usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
        finishReason(choice.path("finish_reason").asText(null)));
  }

  static String finishReason(String reason) {
    if (reason == null) {
      return "other";
    }
    return switch (reason) {
      case "stop" -> "stop";
      case "length" -> "max_tokens";
      case "content_filter" -> "content_filter";
      default -> "other";
    };
  }

  /** The provider's error code or type, never its message (which may quote the prompt). */
  private static String errorCode(String body) {
    try {
      JsonNode error = Json.MAPPER.readTree(body).path("error");
      String code = error.path("code").asText(null);
      if (code == null || code.isBlank()) {
        code = error.path("type").asText(null);
      }
      return code == null || code.isBlank() ? "" : " (" + code + ")";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
