package io.llmcanary.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmcanary.codec.Json;
import io.llmcanary.core.proxy.ApiError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a request body into the plain JSON tree the core validator reads: base64 decoding, the size limit,
 * strict JSON (no duplicate keys, nothing after the value). Parse errors name line and column only: Jackson's own
 * messages quote the offending input, which may be a user id or a prompt.
 */
final class RequestBodies {

  /** Either the parsed tree or the error to answer. */
  record Parsed(Object json, ApiError error) {}

  private static final ObjectReader READER = Json.MAPPER.reader()
      .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .without(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .forType(Object.class);

  private final int maxBytes;

  RequestBodies(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  Parsed parse(String body, boolean base64) {
    if (body == null || body.isEmpty()) {
      return error("empty_body", "the request body is empty; send a JSON object");
    }
    byte[] bytes;
    if (base64) {
      // Refuse before decoding: 4 base64 characters carry 3 bytes.
      if ((long) body.length() > ((long) maxBytes + 2) / 3 * 4 + 4) {
        return tooLarge();
      }
      try {
        bytes = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        return error("invalid_base64", "the body is marked base64-encoded but is not valid base64");
      }
    } else {
      if (body.length() > maxBytes) { // each char is at least one UTF-8 byte
        return tooLarge();
      }
      bytes = body.getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.length > maxBytes) {
      return tooLarge();
    }
    try {
      return new Parsed(READER.readValue(bytes), null);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return error("malformed_json", "the request body is not valid JSON" + where);
    } catch (IOException e) {
      return error("malformed_json", "the request body could not be read as JSON");
    }
  }

  private Parsed tooLarge() {
    return new Parsed(null, ApiError.badRequest("body_too_large", "body",
        "the request body must be at most " + maxBytes / 1024 + " KB"));
  }

  private static Parsed error(String code, String message) {
    return new Parsed(null, ApiError.badRequest(code, "body", message));
  }
}
