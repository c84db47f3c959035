package io.llmcanary.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Runtime API as a runtime sees it, spoken with a plain HTTP client. */
class RuntimeApiServerTest {

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> get(RuntimeApiServer api, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + api.address() + "/2018-06-01/runtime" + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(RuntimeApiServer api, String path, String body, String errorType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + api.address() + "/2018-06-01/runtime" + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (errorType != null) {
      b.header("Lambda-Runtime-Function-Error-Type", errorType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void nextHandsOutTheQueuedEventWithItsHeadersAndTheResponseCompletesIt() throws Exception {
    try (RuntimeApiServer api = RuntimeApiServer.start("fn")) {
      CompletableFuture<RuntimeApiServer.Outcome> outcome = api.submit("{\"n\":1}", Duration.ofSeconds(30));
      HttpResponse<String> next = get(api, "/invocation/next");
      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("{\"n\":1}");
      String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
      assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(
          RuntimeApiServer.FUNCTION_ARN + "fn");
      assertThat(Long.parseLong(next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow()))
          .isGreaterThan(System.currentTimeMillis());
      assertThat(outcome).isNotDone();
      assertThat(post(api, "/invocation/" + id + "/response", "{\"ok\":true}", null).statusCode()).isEqualTo(202);
      assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo(new RuntimeApiServer.Response(id, "{\"ok\":true}"));
    }
  }

  @Test
  void anErrorCompletesTheInvocationWithItsTypeAndAnInitErrorIsKept() throws Exception {
    try (RuntimeApiServer api = RuntimeApiServer.start("fn")) {
      CompletableFuture<RuntimeApiServer.Outcome> outcome = api.submit("{}", Duration.ofSeconds(30));
      String id = get(api, "/invocation/next").headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
      post(api, "/invocation/" + id + "/error", "{\"errorMessage\":\"boom\"}", "Function.Unhandled");
      assertThat(outcome.get(5, TimeUnit.SECONDS))
          .isEqualTo(new RuntimeApiServer.FunctionError(id, "Function.Unhandled", "{\"errorMessage\":\"boom\"}"));
      assertThat(post(api, "/invocation/unknown/response", "{}", null).statusCode()).isEqualTo(400);

      assertThat(api.initError()).isEmpty();
      post(api, "/init/error", "{\"errorMessage\":\"X is required\"}", "Runtime.BadFunctionCode");
      assertThat(api.initError()).hasValue(new RuntimeApiServer.InitError("/2018-06-01/runtime/init/error",
          "Runtime.BadFunctionCode", "{\"errorMessage\":\"X is required\"}"));
      assertThat(api.requests()).contains("GET /2018-06-01/runtime/invocation/next",
          "POST /2018-06-01/runtime/init/error");
    }
  }
}
