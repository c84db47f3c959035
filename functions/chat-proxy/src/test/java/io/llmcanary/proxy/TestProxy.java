package io.llmcanary.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.proxy.FixedConfigSource;
import io.llmcanary.core.proxy.SnapshotConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A proxy on the offline config and model, with captured output, for the handler tests. */
final class TestProxy {

  /** The secret the sample events' static tokens are signed with (events/generate.py); local use only. */
  static final String LOCAL_DEV_SECRET = "llm-canary-local-development-secret-not-for-production";
  static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");

  final List<String> lines = new CopyOnWriteArrayList<>();
  final FixedConfigSource config = new FixedConfigSource(ChatProxyWiring.offlineRollout());
  final ChatProxyHandler handler;

  TestProxy() {
    this(null);
  }

  TestProxy(SnapshotConfigSource source) {
    this(source, b -> b.exposeVersion(true));
  }

  /** With the builder adjusted after the test defaults (offline config, dev secret, fixed clock, captured lines). */
  TestProxy(SnapshotConfigSource source, java.util.function.UnaryOperator<ChatProxyWiring.Builder> adjust) {
    handler = new ChatProxyHandler(adjust.apply(ChatProxyWiring.builder()
        .configSource(source == null ? config : source)
        .secret(LOCAL_DEV_SECRET, null)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .output(lines::add))
        .build());
  }

  static Path events() {
    return Path.of(System.getProperty("canary.root", "../..")).resolve("events");
  }

  static String event(String name) {
    try {
      return Files.readString(events().resolve(name + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Reply invoke(String eventJson) {
    try {
      return new Reply(handler.handleRequest(ApiGatewayV2.readEvent(eventJson), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Reply invokeEvent(String name) {
    return invoke(event(name));
  }

  /** An event with {@code requestContext.authorizer} set as API Gateway sets it ({@code {"jwt": ...}}, {@code {"iam": ...}}). */
  static String withAuthorizer(String eventJson, String authorizerJson) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
          Json.MAPPER.readTree(eventJson);
      ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("requestContext"))
          .set("authorizer", Json.MAPPER.readTree(authorizerJson));
      return n.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An event with another request id. */
  static String withRequestId(String eventJson, String requestId) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
          Json.MAPPER.readTree(eventJson);
      ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("requestContext")).put("requestId", requestId);
      return n.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A chat event with another body (and request id). */
  static String chatEvent(String body, String requestId) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
          Json.MAPPER.readTree(event("chat-valid"));
      n.put("body", body);
      ((com.fasterxml.jackson.databind.node.ObjectNode) n.get("requestContext")).put("requestId", requestId);
      return n.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Reply(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse response) {
    int status() {
      return response.getStatusCode();
    }

    JsonNode json() {
      try {
        return Json.MAPPER.readTree(response.getBody());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return response.getHeaders().get(name);
    }
  }
}
