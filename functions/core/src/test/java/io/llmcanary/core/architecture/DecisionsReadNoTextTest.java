package io.llmcanary.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No decision in main code is made by reading a message: what is refused, which row regressed, which status an
 * answer gets all come from types (Refusal, DecisionResult.Refusal, Metric, sealed results), never from matching
 * the words a person reads, which are free to change.
 */
class DecisionsReadNoTextTest {

  private static final Path ROOT = Path.of(System.getProperty("canary.root", "../.."));
  /** A text read from a message-like accessor, then matched. */
  private static final Pattern READS_TEXT = Pattern.compile(
      "\\.(message|detail|reason|getMessage|headline|summary|text)\\(\\)\\s*\\.\\s*(contains|startsWith|endsWith|matches|equals|indexOf)\\(");
  /** Words matched wherever they came from: an outcome's name, or a phrase (two words and a space) of a message. */
  private static final Pattern MATCHES_WORDS = Pattern.compile(
      "\\.(contains|startsWith|endsWith|indexOf)\\(\"(HEALTHY|REGRESSION|INCONCLUSIVE|[^\"]*[A-Za-z] [A-Za-z][^\"]*)\"");
  /** Where the product's decisions are made: core, the handlers that map them, the adapters and the CLI. */
  private static final List<String> DECISION_CODE = List.of("functions/core/src/main/java",
      "functions/codec/src/main/java", "functions/aws/src/main/java",
      "functions/promotion/src/main/java", "functions/health-check/src/main/java",
      "functions/chat-proxy/src/main/java", "functions/quality-judge/src/main/java", "local/src/main/java");

  @Test
  void noDecisionCodeMatchesTheTextOfAMessage() throws IOException {
    List<String> offending = new java.util.ArrayList<>();
    for (String dir : DECISION_CODE) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
        for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(p);
          for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (READS_TEXT.matcher(line).find() || MATCHES_WORDS.matcher(line).find()) {
              offending.add(ROOT.relativize(p) + ":" + (i + 1) + ": " + line.trim());
            }
          }
        }
      }
    }
    assertThat(offending).as("decide on a type, not on words").isEmpty();
  }
}
