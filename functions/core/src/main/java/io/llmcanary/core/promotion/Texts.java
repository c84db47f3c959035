package io.llmcanary.core.promotion;

import java.time.Duration;

/** Small formatting shared by the promotion messages. */
final class Texts {

  private Texts() {}

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0 && s >= 86_400) {
      return s / 86_400 + (s == 86_400 ? " day" : " days");
    }
    if (s % 3_600 == 0 && s >= 3_600) {
      return s / 3_600 + (s == 3_600 ? " hour" : " hours");
    }
    if (s % 60 == 0 && s >= 60) {
      return s / 60 + " min";
    }
    return s + " s";
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
