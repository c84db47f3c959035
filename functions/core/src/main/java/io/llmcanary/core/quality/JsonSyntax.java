package io.llmcanary.core.quality;

/**
 * A strict RFC 8259 syntax check: one JSON value, optionally surrounded by whitespace. No tree is built, so the
 * check costs one pass over the text. An answer wrapped in a Markdown code fence is not JSON to a client that
 * asked for JSON, and fails. Nesting deeper than {@value #MAX_DEPTH} fails rather than risk the stack.
 */
public final class JsonSyntax {

  static final int MAX_DEPTH = 512;

  private final String s;
  private int i;

  private JsonSyntax(String s) {
    this.s = s;
  }

  public static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    JsonSyntax p = new JsonSyntax(text);
    try {
      p.ws();
      if (!p.value(0)) {
        return false;
      }
      p.ws();
      return p.i == text.length();
    } catch (IndexOutOfBoundsException e) {
      return false;
    }
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  private boolean value(int depth) {
    if (i >= s.length() || depth > MAX_DEPTH) {
      return false;
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> c == '-' || (c >= '0' && c <= '9') ? number() : false;
    };
  }

  private boolean object(int depth) {
    i++;
    ws();
    if (s.charAt(i) == '}') {
      i++;
      return true;
    }
    while (true) {
      ws();
      if (s.charAt(i) != '"' || !string()) {
        return false;
      }
      ws();
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      ws();
      if (!value(depth)) {
        return false;
      }
      ws();
      char c = s.charAt(i++);
      if (c == '}') {
        return true;
      }
      if (c != ',') {
        return false;
      }
    }
  }

  private boolean array(int depth) {
    i++;
    ws();
    if (s.charAt(i) == ']') {
      i++;
      return true;
    }
    while (true) {
      ws();
      if (!value(depth)) {
        return false;
      }
      ws();
      char c = s.charAt(i++);
      if (c == ']') {
        return true;
      }
      if (c != ',') {
        return false;
      }
    }
  }

  private boolean string() {
    i++; // opening quote
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
          case 'u' -> {
            for (int k = 0; k < 4; k++) {
              if (Character.digit(s.charAt(i++), 16) < 0) {
                return false;
              }
            }
          }
          default -> {
            return false;
          }
        }
      }
    }
  }

  private boolean literal(String word) {
    if (s.startsWith(word, i)) {
      i += word.length();
      return true;
    }
    return false;
  }

  private boolean number() {
    if (s.charAt(i) == '-') {
      i++;
    }
    if (i >= s.length()) {
      return false;
    }
    if (s.charAt(i) == '0') {
      i++;
    } else if (!digits()) {
      return false;
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      if (!digits()) {
        return false;
      }
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      return digits();
    }
    return true;
  }

  private boolean digits() {
    int start = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i > start;
  }
}
