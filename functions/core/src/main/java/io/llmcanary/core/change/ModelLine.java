package io.llmcanary.core.change;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The model line of a model id: vendor and name without versions, dates and cross-region prefixes, so that
 * {@code anthropic.claude-3-5-sonnet-20240620-v1:0} and {@code us.anthropic.claude-sonnet-4-20250514-v1:0} are
 * one line (Claude Sonnet) and {@code anthropic.claude-3-haiku-20240307-v1:0} another; {@code gpt-4o} and
 * {@code gpt-4o-2024-08-06} one line, {@code gpt-4o-mini} another. A heuristic over naming conventions: it only
 * tells a version update from a swap in the summary; both need a canary.
 */
final class ModelLine {

  private static final Pattern REGION = Pattern.compile("^(us|eu|apac|global|us-gov|jp|au|ca)\\.");
  private static final Pattern API_VERSION = Pattern.compile(":\\d+$");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}|\\d{8}");
  private static final Pattern VERSION_TOKEN = Pattern.compile("v?\\d+(\\.\\d+)*|latest|preview|exp");

  private ModelLine() {}

  static List<String> of(String modelId) {
    String id = modelId == null ? "" : modelId.toLowerCase(Locale.ROOT).trim();
    id = REGION.matcher(id).replaceFirst("");
    id = API_VERSION.matcher(id).replaceFirst("");
    id = DATE.matcher(id).replaceAll("-");
    List<String> tokens = new ArrayList<>();
    for (String t : id.split("[-._/:@]+")) {
      if (!t.isEmpty() && !VERSION_TOKEN.matcher(t).matches()) {
        tokens.add(t);
      }
    }
    return tokens;
  }

  static boolean same(String a, String b) {
    List<String> x = of(a);
    return !x.isEmpty() && x.equals(of(b));
  }
}
