package io.llmcanary.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A protocol bridge for the CloudWatch ITs (the adapter's in functions/aws, canaryctl's in local): SDK v2 speaks Smithy RPC v2 CBOR to CloudWatch, moto speaks only the
 * Query and AWS JSON 1.0 protocols for it (no CBOR support, and none planned: getmoto/moto#9195). The bridge
 * re-encodes each request body from CBOR to JSON and sends it to moto as JSON 1.0
 * ({@code X-Amz-Target: GraniteServiceVersion20100801.<Operation>}), then re-encodes moto's answer as CBOR, with
 * timestamps as tag 1 as the protocol requires. It changes the encoding only, never the content, so the IT still
 * tests moto's aggregation against our queries.
 *
 * <p>One gap is filled rather than bridged: moto computes no percentiles (a GetMetricData with a {@code pNN}
 * statistic over existing data answers 500). The bridge answers those queries itself with no data points and
 * forwards the rest; percentile queries are covered by {@code CloudWatchMetricsQueryContractTest} (functions/aws).
 */
public final class CborToJsonBridge implements AutoCloseable {

  private static final String PREFIX = "/service/GraniteServiceVersion20100801/operation/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final URI target;
  private final HttpClient http = HttpClient.newHttpClient();

  public CborToJsonBridge(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!path.startsWith(PREFIX)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      String operation = path.substring(PREFIX.length());
      byte[] raw = ex.getRequestBody().readAllBytes();
      InputStream in = new ByteArrayInputStream(raw);
      if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      byte[] cbor = in.readAllBytes();
      JsonNode body = cbor.length == 0 ? JSON.createObjectNode() : Cbor.read(cbor);
      List<String> percentileIds = new ArrayList<>();
      if (operation.equals("GetMetricData") && body.get("MetricDataQueries") instanceof
          com.fasterxml.jackson.databind.node.ArrayNode queries) {
        for (Iterator<JsonNode> it = queries.elements(); it.hasNext(); ) {
          JsonNode q = it.next();
          if (q.at("/MetricStat/Stat").asText().matches("p\\d+(\\.\\d+)?")) {
            percentileIds.add(q.get("Id").asText());
            it.remove();
          }
        }
      }
      HttpRequest.Builder req = HttpRequest.newBuilder(target.resolve("/"))
          .header("Content-Type", "application/x-amz-json-1.0")
          .header("X-Amz-Target", "GraniteServiceVersion20100801." + operation)
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        req.header("Authorization", auth); // moto takes account and region from it
      }
      HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode answer = resp.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(resp.body());
      if (!percentileIds.isEmpty() && answer.get("MetricDataResults") instanceof
          com.fasterxml.jackson.databind.node.ArrayNode results) {
        for (String id : percentileIds) {
          results.addObject().put("Id", id).put("Label", id).put("StatusCode", "Complete")
              .<com.fasterxml.jackson.databind.node.ObjectNode>set("Timestamps", JSON.createArrayNode())
              .set("Values", JSON.createArrayNode());
        }
      }
      byte[] out = Cbor.write(toCbor(answer, null));
      ex.getResponseHeaders().add("Content-Type", "application/cbor");
      ex.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
      ex.sendResponseHeaders(resp.statusCode(), out.length);
      ex.getResponseBody().write(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (IOException | RuntimeException e) {
      System.err.println("[cbor-bridge] " + ex.getRequestURI() + ": " + e);
      throw e;
    }
  }

  /** JSON to the value tree {@link Cbor#write} encodes; numbers under a Timestamp(s) field become instants. */
  private static Object toCbor(JsonNode n, String field) {
    boolean timestamp = field != null && (field.equals("Timestamps") || field.equals("Timestamp")
        || field.endsWith("Timestamp"));
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), toCbor(e.getValue(), e.getKey()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      for (JsonNode e : n) {
        l.add(toCbor(e, field));
      }
      return l;
    }
    if (n.isNumber()) {
      if (timestamp) {
        return Instant.ofEpochMilli(Math.round(n.asDouble() * 1000));
      }
      return n.isIntegralNumber() ? (Object) n.asLong() : (Object) n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isNull()) {
      return null;
    }
    return n.asText();
  }

  @Override
  public void close() {
    server.stop(0);
    http.close();
  }
}
