package io.llmcanary.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: no source, doc or config file points at a design file outside it (its own is
 * docs/architecture.md), and no comment leans on the history of how it was built ("issue 4") to say why.
 */
class RepositoryStandsAloneTest {

  private static final Path ROOT = Path.of(System.getProperty("canary.root", "../.."));
  private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", ".venv", ".tools", "node_modules",
      ".aws-sam", ".canary-local", "reports", ".mvn");
  private static final Set<String> TEXT = Set.of(".java", ".md", ".xml", ".yaml", ".yml", ".json", ".sh", ".py",
      ".toml", ".txt", ".properties");
  private static final Pattern HISTORY = Pattern.compile("\\(issues? \\d+|\\bissues? \\d+\\)|as before issue \\d+");

  static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> ROOT.relativize(p).toString().split("[/\\\\]").length > 0)
          .filter(p -> {
            for (Path part : ROOT.relativize(p)) {
              if (SKIPPED_DIRS.contains(part.toString())) {
                return false;
              }
            }
            return true;
          })
          .filter(Files::isRegularFile)
          .filter(p -> {
            String n = p.getFileName().toString();
            return n.equals("canaryctl") || n.equals("mvnw") || TEXT.stream().anyMatch(n::endsWith);
          }).toList();
    }
  }

  @Test
  void noFileReferencesADesignDocumentOutsideTheRepository() throws IOException {
    List<String> offending = files().stream().filter(p -> read(p).contains("DESIGN" + ".md"))
        .map(p -> ROOT.relativize(p).toString()).toList();
    assertThat(offending).as("point at docs/architecture.md instead").isEmpty();
  }

  @Test
  void noCommentExplainsItselfByTheIssueThatBroughtIt() throws IOException {
    List<String> offending = files().stream().filter(p -> HISTORY.matcher(read(p)).find())
        .map(p -> ROOT.relativize(p).toString()).toList();
    assertThat(offending).as("say why in plain words; the issue number means nothing to a reader").isEmpty();
  }

  @Test
  void theArchitectureDocumentTheReferencesPointToExists() {
    assertThat(ROOT.resolve("docs/architecture.md")).isRegularFile();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ""; // not text
    }
  }
}
