package io.llmcanary.core.promotion;

import io.llmcanary.core.metrics.EmfEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

/** The little JSON core needs for task outputs, without a JSON library (core is JDK-only). */
final class JsonText {

  private JsonText() {}

  /** A JSON string literal (RFC 8259 escaping); null as {@code null}. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s == null ? 4 : s.length() + 2);
    EmfEncoder.appendJsonString(b, s);
    return b.toString();
  }

  /**
   * Parses a flat JSON object whose values are strings, numbers, booleans or null into text values (null stays
   * null). Nested objects and arrays are refused: this is for the task outputs core writes itself.
   */
  static Map<String, String> parseFlatObject(String json) {
    Parser p = new Parser(json);
    Map<String, String> out = new LinkedHashMap<>();
    p.skip();
    p.expect('{');
    p.skip();
    if (p.peek() == '}') {
      p.pos++;
      return out;
    }
    while (true) {
      p.skip();
      String key = p.string();
      p.skip();
      p.expect(':');
      p.skip();
      out.put(key, p.scalar());
      p.skip();
      char c = p.next();
      if (c == '}') {
        return out;
      }
      if (c != ',') {
        throw p.error("expected ',' or '}'");
      }
    }
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s == null ? "" : s;
    }

    char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos);
    }

    char next() {
      char c = peek();
      pos++;
      return c;
    }

    void skip() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    void expect(char c) {
      if (next() != c) {
        throw error("expected '" + c + "'");
      }
    }

    String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    String scalar() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '{' || c == '[') {
        throw error("nested values are not supported");
      }
      int start = pos;
      while (pos < s.length() && ",}".indexOf(s.charAt(pos)) < 0 && !Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
      String raw = s.substring(start, pos);
      if (raw.isEmpty()) {
        throw error("expected a value");
      }
      return raw.equals("null") ? null : raw;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("not a flat JSON object (" + what + " at " + pos + "): " + s);
    }
  }
}
