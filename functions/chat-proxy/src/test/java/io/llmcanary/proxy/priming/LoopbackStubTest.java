package io.llmcanary.proxy.priming;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopbackStubTest {

  @Test
  void answersTheCannedJsonOfThePathFragmentAfterReadingTheWholeRequest() throws Exception {
    try (LoopbackStub stub = new LoopbackStub(Map.of("/converse", "{\"ok\":true}"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      String body = "{\"messages\":\"" + "x".repeat(200_000) + "\"}";

      HttpResponse<String> hit = http.send(HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/model/m/converse"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> miss = http.send(HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/elsewhere"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());

      assertThat(hit.statusCode()).isEqualTo(200);
      assertThat(hit.body()).isEqualTo("{\"ok\":true}");
      assertThat(hit.headers().firstValue("connection")).hasValue("close");
      assertThat(miss.statusCode()).isEqualTo(404);
      assertThat(stub.requests()).isEqualTo(2);
    }
  }
}
