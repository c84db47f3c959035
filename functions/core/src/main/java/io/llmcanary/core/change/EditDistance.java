package io.llmcanary.core.change;

/**
 * Levenshtein distance between two texts, in UTF-16 characters, for the size of a system-prompt edit. A prompt
 * may hold 100 000 characters, so the common prefix and suffix are cut first (an edit usually touches one part)
 * and a middle too large for the quadratic table gets the upper bound instead, flagged as not exact.
 *
 * @param distance the edit distance, or its upper bound when not exact
 * @param exact    false when the middle parts were too large to compare character by character
 */
record EditDistance(int distance, boolean exact) {

  /** 16 million cells: tens of milliseconds, once per start. */
  static final long MAX_CELLS = 16_000_000L;

  static EditDistance between(String a, String b) {
    int prefix = 0;
    int max = Math.min(a.length(), b.length());
    while (prefix < max && a.charAt(prefix) == b.charAt(prefix)) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < max - prefix && a.charAt(a.length() - 1 - suffix) == b.charAt(b.length() - 1 - suffix)) {
      suffix++;
    }
    String x = a.substring(prefix, a.length() - suffix);
    String y = b.substring(prefix, b.length() - suffix);
    if (x.isEmpty() || y.isEmpty()) {
      return new EditDistance(Math.max(x.length(), y.length()), true);
    }
    if ((long) x.length() * y.length() > MAX_CELLS) {
      return new EditDistance(Math.max(x.length(), y.length()), false);
    }
    int[] prev = new int[y.length() + 1];
    int[] cur = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      cur[0] = i;
      char c = x.charAt(i - 1);
      for (int j = 1; j <= y.length(); j++) {
        int substitute = prev[j - 1] + (c == y.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return new EditDistance(prev[y.length()], true);
  }
}
