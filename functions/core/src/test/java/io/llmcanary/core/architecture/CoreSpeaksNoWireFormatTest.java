package io.llmcanary.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core decides; adapters and handlers speak the wire: no class in core writes EMF or names an HTTP status, and JSON
 * appears in core only inside texts a person reads or pastes (each listed here with why).
 */
class CoreSpeaksNoWireFormatTest {

  private static final Path MAIN = Path.of(System.getProperty("canary.root", "../.."), "functions/core/src/main/java");
  private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");
  private static final Pattern HTTP_STATUS = Pattern.compile("\\b(400|401|403|404|405|409|429|500|502|503|504)\\b");
  /** A JSON object opening ({@code "{\"}) or a JSON key ({@code \":}) inside a string literal. */
  private static final Pattern JSON_TEXT = Pattern.compile("\"\\{\\\\\"|\\\\\":");
  /** Where core writes JSON text, and why it is text for a person, not a wire format. */
  private static final Map<String, String> JSON_TEXTS = Map.of(
      "io/llmcanary/core/alerts/PastedInput.java", "the execution input or invoke payload a person pastes from an alert",
      "io/llmcanary/core/promotion/ApprovalMessage.java", "the API body a person sends to approve, shown as an example",
      "io/llmcanary/core/promotion/ApplyStageAction.java", "a refusal telling a person which input field resumes",
      "io/llmcanary/core/proxy/RequestValidator.java", "a 400's message naming the accepted responseFormat values",
      "io/llmcanary/core/chat/OfflineChatModel.java", "the offline model's answer when JSON is asked for");

  private static Map<String, String> code() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(p -> p.toString().endsWith(".java")).collect(java.util.stream.Collectors.toMap(
          p -> MAIN.relativize(p).toString().replace('\\', '/'), p -> {
            try {
              return COMMENT.matcher(Files.readString(p)).replaceAll("");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }));
    }
  }

  @Test
  void noClassInCoreWritesEmf() throws IOException {
    List<String> offending = code().entrySet().stream()
        .filter(e -> e.getValue().contains("_aws") || e.getValue().contains("CloudWatchMetrics"))
        .map(Map.Entry::getKey).toList();
    assertThat(offending).as("EMF is written by the codec module's EmfEncoder").isEmpty();
  }

  @Test
  void noClassInCoreNamesAnHttpStatus() throws IOException {
    List<String> offending = code().entrySet().stream().filter(e -> HTTP_STATUS.matcher(e.getValue()).find())
        .map(e -> e.getKey() + ": " + HTTP_STATUS.matcher(e.getValue()).results().map(m -> m.group()).toList())
        .toList();
    assertThat(offending).as("refusals are typed in core (Refusal, DecisionResult) and mapped to HTTP by handlers")
        .isEmpty();
  }

  @Test
  void jsonAppearsInCoreOnlyInTextsAPersonReads() throws IOException {
    List<String> offending = code().entrySet().stream()
        .filter(e -> JSON_TEXT.matcher(e.getValue()).find() && !JSON_TEXTS.containsKey(e.getKey()))
        .map(Map.Entry::getKey).toList();
    assertThat(offending).as("wire formats are written by the codec module or an adapter").isEmpty();
    assertThat(JSON_TEXTS.keySet()).allSatisfy(f -> assertThat(MAIN.resolve(f)).as("listed, so it must exist")
        .isRegularFile());
  }
}
