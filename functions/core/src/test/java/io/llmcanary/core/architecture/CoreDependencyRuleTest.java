package io.llmcanary.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/architecture.md#layers-and-modules: core is pure Java; arrows point inward only. */
class CoreDependencyRuleTest {

  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  @Test
  void coreMainCodeImportsOnlyTheJdkAndItself() throws IOException {
    Path main = Path.of(System.getProperty("canary.root", "../.."), "functions/core/src/main/java");
    List<String> offending;
    try (Stream<Path> files = Files.walk(main)) {
      offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
        try {
          String src = Files.readString(p);
          return IMPORT.matcher(src).results().map(m -> m.group(2))
              .filter(i -> !(i.startsWith("java.") || i.startsWith("javax.") || i.startsWith("io.llmcanary.core.")))
              .map(i -> main.relativize(p) + " imports " + i);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertThat(offending).as("core must not depend on AWS, Jackson databind or outer layers").isEmpty();
  }
}
