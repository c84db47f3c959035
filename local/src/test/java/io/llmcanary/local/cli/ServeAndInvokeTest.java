package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.local.CanaryCtl;
import io.llmcanary.proxy.ChatProxyWiring;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ServeAndInvokeTest {

  static final Path EVENTS = Path.of(System.getProperty("canary.root", "..")).resolve("events");
  final HttpClient http = HttpClient.newHttpClient();

  static HttpRequest post(int port, String path, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  @Test
  void serveAnswersConcurrentChatsAndTakesFeedbackThroughTheLambdaHandler() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    ServeCommand.Server server = ServeCommand.start(0, ChatProxyWiring.offlineRollout(), lines::add);
    try {
      List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String body = "{\"userId\":\"user-" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}]}";
        replies.add(http.sendAsync(post(server.port(), "/chat", body.getBytes(StandardCharsets.UTF_8)),
            HttpResponse.BodyHandlers.ofString()));
      }
      int canary = 0;
      String token = null;
      String user = null;
      for (int i = 0; i < replies.size(); i++) {
        CompletableFuture<HttpResponse<String>> f = replies.get(i);
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode b = Json.MAPPER.readTree(r.body());
        assertThat(r.headers().firstValue("x-canary-version")).contains(b.path("version").asText());
        canary += b.path("version").asText().equals("canary") ? 1 : 0;
        token = b.path("feedbackToken").asText();
        user = "user-" + i;
      }
      assertThat(canary).as("the shipped config splits 50/50").isBetween(8, 32);
      HttpResponse<String> fb = http.send(post(server.port(), "/feedback",
          ("{\"feedbackToken\":\"" + token + "\",\"score\":\"up\",\"userId\":\"" + user + "\"}")
              .getBytes(StandardCharsets.UTF_8)),
          HttpResponse.BodyHandlers.ofString());
      assertThat(fb.statusCode()).isEqualTo(200);
      HttpResponse<String> someoneElse = http.send(post(server.port(), "/feedback",
          ("{\"feedbackToken\":\"" + token + "\",\"score\":\"down\",\"userId\":\"user-x\"}")
              .getBytes(StandardCharsets.UTF_8)),
          HttpResponse.BodyHandlers.ofString());
      assertThat(someoneElse.statusCode()).as("a token is its user's").isEqualTo(403);
      assertThat(someoneElse.body()).contains("feedback_token_other_user");
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/chat"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      HttpResponse<String> binary = http.send(post(server.port(), "/chat", new byte[] {(byte) 0xff, (byte) 0xfe, 0x01}),
          HttpResponse.BodyHandlers.ofString());
      assertThat(binary.statusCode()).as("non-UTF-8 goes base64-encoded, then fails as JSON").isEqualTo(400);
      assertThat(binary.body()).contains("malformed_json");
    } finally {
      server.stop();
    }
    List<String> emf = lines.stream().filter(l -> l.startsWith("{\"_aws\"")).toList();
    List<String> handedOff = emf.stream().filter(l -> l.contains("\"JudgeHandoffs\":1")).toList();
    List<String> judged = emf.stream().filter(l -> l.contains("\"Preference\":")).toList();
    // 40 chats and one rating; each answer the sampler handed to the (heuristic, in-process) judge adds its
    // hand-off count and its Preference line.
    assertThat(emf.stream().filter(l -> l.contains("\"Requests\":1") || l.contains("\"Quality\":"))).hasSize(41);
    assertThat(handedOff).isNotEmpty();
    assertThat(judged).hasSameSizeAs(handedOff).allSatisfy(l -> assertThat(l).contains("\"Version\":\"canary\""));
    List<String> refused = emf.stream().filter(l -> l.contains("\"FeedbackRefusals\":1")).toList();
    assertThat(refused).singleElement().asString().contains("\"Reason\":\"feedback_token_other_user\"");
    assertThat(emf).hasSize(41 + handedOff.size() + judged.size() + refused.size());
    assertThat(lines.stream().filter(l -> l.startsWith("{\"level\""))).hasSize(44);
    assertThat(String.join("\n", lines)).doesNotContain("user-1\"").doesNotContain("question 1");
  }

  @Test
  void serveAppliesACanaryPercentOverride() throws Exception {
    ServeCommand.Server server = ServeCommand.start(0, LocalChatProxy.config(null, 0.0), l -> { });
    try {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = http.send(post(server.port(), "/chat",
            ("{\"userId\":\"u" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8)),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("x-canary-version")).contains("stable");
      }
    } finally {
      server.stop();
    }
  }

  record Run(int code, String out, String err) {}

  static Run ctl(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new CanaryCtl().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void invokePrintsTheHandlersResponseAndLogsToStderr() throws Exception {
    Run r = ctl("invoke", "chat-proxy", EVENTS.resolve("chat-valid.json").toString());
    assertThat(r.code()).isZero();
    JsonNode response = Json.MAPPER.readTree(r.out());
    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(response.path("body").asText());
    assertThat(body.path("requestId").asText()).isEqualTo("EvTchatvalid=");
    assertThat(r.err()).contains("{\"_aws\"").contains("\"message\":\"request\"");

    Run fb = ctl("invoke", "chat-proxy", EVENTS.resolve("feedback-valid.json").toString(),
        "--feedback-token", body.path("feedbackToken").asText());
    assertThat(Json.MAPPER.readTree(fb.out()).path("statusCode").asInt()).isEqualTo(200);
  }

  @Test
  void invokeReportsInvalidInputAsTheFunctionWould() throws Exception {
    Run r = ctl("invoke", "chat-proxy", EVENTS.resolve("chat-user-id-too-long.json").toString());
    assertThat(r.code()).isZero();
    assertThat(Json.MAPPER.readTree(r.out()).path("statusCode").asInt()).isEqualTo(400);
  }

  @Test
  void invokeUsageErrors() {
    assertThat(ctl("invoke", "health-chek", "x.json").code()).isEqualTo(2);
    assertThat(ctl("invoke", "chat-proxy").code()).isEqualTo(2);
    assertThat(ctl("invoke", "chat-proxy", "no-such-file.json").code()).isEqualTo(1);
    Run bad = ctl("invoke", "chat-proxy", EVENTS.resolve("chat-valid.json").toString(), "--config", "no-such.json");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("cannot read --config");
  }

  @Test
  void serveRefusesAnInvalidPercent() {
    Run r = ctl("serve", "--canary-percent", "150");
    assertThat(r.code()).isEqualTo(2);
  }
}
