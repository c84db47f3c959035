package io.llmcanary.core.config;

/** Which of the two versions served a request. The wire name is lower case, as in the config. */
public enum Variant {
  STABLE,
  CANARY;

  public String wireName() {
    return this == STABLE ? "stable" : "canary";
  }

  public static Variant fromWireName(String name) {
    return switch (name) {
      case "stable" -> STABLE;
      case "canary" -> CANARY;
      default -> throw new IllegalArgumentException("unknown version '" + name + "' (expected stable or canary)");
    };
  }
}
