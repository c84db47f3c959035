package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.local.CanaryCtl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ./canaryctl ...} command line that README, docs/ or an alert text (the functions' main sources)
 * quotes names a command of the real CLI, and every option it passes is one that command's --help documents (the
 * options the parser accepts), so a command pasted from a page or a page works as printed.
 */
class QuotedCommandsTest {

  private static final Pattern QUOTED = Pattern.compile("\\./canaryctl ([a-z][a-z-]+)([^`\"\\n]*)");
  private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--([a-z][a-z-]*)");

  static Path root() {
    return Path.of(System.getProperty("canary.root", ".."));
  }

  private static String help(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = new CanaryCtl().run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    return code == 0 ? out.toString(StandardCharsets.UTF_8) : "";
  }

  private static List<Path> sources() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(root().resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root().resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
    }
    try (Stream<Path> fns = Files.walk(root().resolve("functions"))) {
      fns.filter(p -> p.toString().contains("/src/main/") && p.toString().endsWith(".java")).forEach(files::add);
    }
    return files;
  }

  @TestFactory
  Stream<DynamicTest> everyQuotedCommandLineNamesARealCommandAndItsDocumentedOptions() throws IOException {
    String usage = help("--help");
    List<DynamicTest> tests = new ArrayList<>();
    for (Path f : sources()) {
      Matcher m = QUOTED.matcher(Files.readString(f));
      while (m.find()) {
        String command = m.group(1);
        String rest = m.group(2);
        String where = root().relativize(f) + ": ./canaryctl " + command + rest;
        tests.add(DynamicTest.dynamicTest(where, () -> {
          assertThat(usage).as("%s: command '%s' in ./canaryctl --help", where, command)
              .containsPattern("(?m)^  " + Pattern.quote(command) + " ");
          String commandHelp = help(command, "--help");
          Matcher o = OPTION.matcher(rest);
          while (o.find()) {
            assertThat(commandHelp).as("%s: option --%s in ./canaryctl %s --help", where, o.group(1), command)
                .contains("--" + o.group(1));
          }
        }));
      }
    }
    assertThat(tests).as("quoted command lines found").hasSizeGreaterThan(10);
    return tests.stream();
  }
}
