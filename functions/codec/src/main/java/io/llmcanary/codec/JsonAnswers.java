package io.llmcanary.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.llmcanary.core.quality.JsonValidity;
import java.io.IOException;

/**
 * Whether an answer is one well-formed JSON value, with Jackson's streaming parser: tokens are read and dropped, no
 * tree is built, so the check allocates little more than the parser. Strict RFC 8259: no comments, no single quotes,
 * no NaN, nothing after the value, at most {@value #MAX_DEPTH} levels of nesting (deeper is refused, never a stack
 * overflow).
 */
public final class JsonAnswers implements JsonValidity {

  static final int MAX_DEPTH = 512;

  public static final JsonAnswers INSTANCE = new JsonAnswers();

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private JsonAnswers() {}

  @Override
  public boolean isValid(String text) {
    if (text == null || text.isBlank()) {
      return false;
    }
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null; // exactly one value: "{} {}" is not one
    } catch (IOException | RuntimeException e) {
      return false; // malformed, too deep or too long: not valid JSON, whatever the parser's reason
    }
  }
}
