package io.llmcanary.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the bash (and zsh, through bashcompinit) completion script of {@code ./canaryctl}, picocli's
 * {@link AutoComplete} on the real command tree; the build runs it (local/pom.xml) into
 * {@code local/target/canaryctl_completion}. Source that file: bash completes {@code ./canaryctl} as
 * {@code canaryctl}.
 */
public final class CompletionScript {

  private CompletionScript() {}

  /** @param args the file to write */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CompletionScript OUTPUT-FILE");
    }
    Path out = Path.of(args[0]);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    CommandLine cl = CanaryCtl.commandLine(null);
    cl.getCommandSpec().name("canaryctl");
    Files.writeString(out, AutoComplete.bash("canaryctl", cl), StandardCharsets.UTF_8);
  }
}
