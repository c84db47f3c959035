package io.llmcanary.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line in the repository, capturing its combined output, with a time limit. */
final class Tool {

  record Result(List<String> command, int exitCode, String output, Duration took) {
    boolean ok() {
      return exitCode == 0;
    }

    /** What a failed assertion shows: the command, its exit code and everything it printed. */
    String report() {
      return String.join(" ", command) + "\nexit code " + exitCode + " after " + took.toSeconds() + " s; output:\n"
          + output;
    }
  }

  private Tool() {}

  static Result run(Path dir, Map<String, String> env, Duration limit, List<String> command) {
    long started = System.nanoTime();
    try {
      Path log = Files.createTempFile("canary-tool-", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
          return new Result(command, -1, Files.readString(log, StandardCharsets.UTF_8)
              + "\n[killed: no exit within " + limit.toSeconds() + " s]", Duration.ofNanos(System.nanoTime() - started));
        }
        return new Result(command, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8),
            Duration.ofNanos(System.nanoTime() - started));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      return new Result(command, -1, "could not run: " + e, Duration.ofNanos(System.nanoTime() - started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(command, -1, "interrupted", Duration.ofNanos(System.nanoTime() - started));
    }
  }
}
