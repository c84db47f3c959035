package io.llmcanary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * One function's jar run the way Lambda's managed {@code java21} runtime runs it: the jar unpacked into a task root
 * (the working directory, as {@code /var/task}), AWS's runtime interface client ({@code AWSLambda}) as the main class
 * on a classpath of its own (aws-lambda-java-core, -serialization and the SDK's utils-lite beside it, as in
 * {@code /var/runtime/lib}), its native Runtime API client loaded from a file named by the system property Lambda sets,
 * the runtime's JVM options (heap 85% of the function's memory, serial GC, C1 only, the CRaC compatibility shim), a
 * Java 21 JVM ({@link Java21}), and an environment made only of what Lambda sets plus the function's variables from
 * {@link TemplateFunction}. The runtime talks to a {@link RuntimeApiServer}; stdout and stderr are kept in files.
 */
public final class LambdaJavaRuntime implements AutoCloseable {

  static final String MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
  static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
  /** A class of each jar of the runtime's own classpath (/var/runtime/lib in Lambda). */
  private static final List<String> RUNTIME_JAR_CLASSES = List.of(
      "com/amazonaws/services/lambda/runtime/Context.class",
      MAIN.replace('.', '/') + ".class",
      "com/amazonaws/services/lambda/runtime/serialization/PojoSerializer.class",
      "software/amazon/awssdk/utilslite/SdkInternalThreadLocal.class");

  /** How to start one function. */
  public record Spec(String name, Path jar, TemplateFunction function, Map<String, String> variables, Path workDir,
      boolean snapStart) {

    /** Not under SnapStart: AWS_LAMBDA_INITIALIZATION_TYPE on-demand. */
    public static Spec of(String name, Path jar, TemplateFunction function, Map<String, String> variables,
        Path workDir) {
      return new Spec(name, jar, function, variables, workDir, false);
    }

    /** The same, as a SnapStart version initialises: the checkpoint hooks run, then {@code /restore/next}. */
    public Spec underSnapStart() {
      return new Spec(name, jar, function, variables, workDir, true);
    }
  }

  private final Spec spec;
  private final RuntimeApiServer api;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final long startedNanos;
  private final List<String> command;
  private Duration firstInvocation;

  private LambdaJavaRuntime(Spec spec, RuntimeApiServer api, Process process, Path stdout, Path stderr,
      long startedNanos, List<String> command) {
    this.spec = spec;
    this.api = api;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.startedNanos = startedNanos;
    this.command = command;
  }

  /** Unpacks the jar and starts the runtime; it initialises the function and then waits for events. */
  public static LambdaJavaRuntime start(Spec spec) {
    TemplateFunction fn = spec.function();
    if (!fn.runtime().equals("java21")) {
      throw new IllegalArgumentException(fn.logicalId() + " runs on '" + fn.runtime() + "', not java21");
    }
    try {
      Path work = spec.workDir().toAbsolutePath();
      deleteRecursively(work);
      Path task = Files.createDirectories(work.resolve("task"));
      unzip(spec.jar(), task);
      Path runtimeLib = Files.createDirectories(work.resolve("runtime/lib"));
      List<String> classpath = new ArrayList<>();
      for (String cls : RUNTIME_JAR_CLASSES) {
        classpath.add(jarHolding(cls).toString());
      }
      Path jni = extractJni(jarHolding(RUNTIME_JAR_CLASSES.get(1)), Files.createDirectories(runtimeLib.resolve("jni")));

      List<String> cmd = new ArrayList<>(List.of(Java21.java().toString(),
          "-XX:MaxHeapSize=" + (fn.memoryMb() * 1024L * 85 / 100) + "k",
          "-XX:+UseSerialGC", "-Xshare:auto", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
          "-XX:+ErrorFileToStderr",
          "-D" + JNI_PROPERTY + "=" + jni,
          "-classpath", String.join(":", classpath), MAIN, fn.handler()));

      RuntimeApiServer api = RuntimeApiServer.start(spec.name());
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("LANG", "en_US.UTF-8");
      env.put("TZ", ":UTC");
      env.put("LAMBDA_TASK_ROOT", task.toString());
      env.put("LAMBDA_RUNTIME_DIR", work.resolve("runtime").toString());
      env.put("_HANDLER", fn.handler());
      env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
      env.put("AWS_LAMBDA_RUNTIME_API", api.address());
      env.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
      env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.memoryMb()));
      env.put("AWS_LAMBDA_FUNCTION_VERSION", spec.snapStart() ? "1" : "$LATEST");
      env.put("AWS_LAMBDA_INITIALIZATION_TYPE", spec.snapStart() ? "snap-start" : "on-demand");
      env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
      env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef");
      if (fn.logFormat().equalsIgnoreCase("JSON")) {
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        if (fn.applicationLogLevel() != null) {
          env.put("AWS_LAMBDA_LOG_LEVEL", fn.applicationLogLevel());
        }
      }
      env.put("AWS_REGION", "eu-west-1");
      env.put("AWS_DEFAULT_REGION", "eu-west-1");
      env.put("AWS_ACCESS_KEY_ID", "testing");
      env.put("AWS_SECRET_ACCESS_KEY", "testing");
      env.put("AWS_SESSION_TOKEN", "testing");
      env.putAll(spec.variables());

      Path out = work.resolve("stdout.log");
      Path err = work.resolve("stderr.log");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(task.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      Files.writeString(work.resolve("command.txt"), String.join("\n", cmd) + "\n\n"
          + env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce("", (a, b) -> a + b + "\n"));
      long started = System.nanoTime();
      Process p = pb.start();
      p.getOutputStream().close();
      return new LambdaJavaRuntime(spec, api, p, out, err, started, cmd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends one event and waits for the runtime's answer (at most the function's timeout plus a margin for a cold
   * JVM). Fails, with the runtime's output, when the runtime reports an init error or exits instead.
   */
  public RuntimeApiServer.Outcome invoke(String event) {
    Duration timeout = Duration.ofSeconds(spec.function().timeoutSeconds());
    CompletableFuture<RuntimeApiServer.Outcome> outcome = api.submit(event, timeout);
    long deadline = System.nanoTime() + timeout.plusSeconds(30).toNanos();
    try {
      while (true) {
        try {
          RuntimeApiServer.Outcome o = outcome.get(100, TimeUnit.MILLISECONDS);
          if (firstInvocation == null) {
            firstInvocation = Duration.ofNanos(System.nanoTime() - startedNanos);
            recordFirstInvocation();
          }
          return o;
        } catch (TimeoutException notYet) {
          if (api.initError().isPresent()) {
            throw new AssertionError("the runtime reported an init error: " + api.initError().get() + "\n" + output());
          }
          if (!process.isAlive()) {
            throw new AssertionError("the runtime exited (" + process.exitValue() + ") before answering\n" + output());
          }
          if (System.nanoTime() > deadline) {
            throw new AssertionError("no answer within " + timeout.plusSeconds(30) + "\n" + output());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /** Waits for the init error that a failing initialisation reports, and for the runtime to exit after it. */
  public RuntimeApiServer.InitError awaitInitError(Duration timeout) {
    try {
      RuntimeApiServer.InitError e = api.initErrorReported().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      process.waitFor(10, TimeUnit.SECONDS);
      return e;
    } catch (TimeoutException e) {
      throw new AssertionError("no init error within " + timeout + "\n" + output());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /**
   * One JSON line per runtime in {@code <workDir>/../first-invocations.jsonl} (and on this JVM's stdout, so the test
   * report has it): the function, how it initialised, and the milliseconds from starting the JVM to the first answer.
   */
  private void recordFirstInvocation() {
    String line = "{\"level\":\"INFO\",\"message\":\"first invocation under the runtime interface client\","
        + "\"function\":\"" + spec.name() + "\",\"initType\":\"" + (spec.snapStart() ? "snap-start" : "on-demand")
        + "\",\"memoryMb\":" + spec.function().memoryMb() + ",\"millis\":" + firstInvocation.toMillis() + "}";
    System.out.println(line);
    try {
      Files.writeString(spec.workDir().toAbsolutePath().getParent().resolve("first-invocations.jsonl"), line + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the runtime either reported an init error (answered) or finished initialising, which it shows by
   * asking for its first event (empty). Fails when it does neither within {@code timeout} or exits without a report.
   */
  public Optional<RuntimeApiServer.InitError> awaitInitialised(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (api.initError().isPresent()) {
        return api.initError();
      }
      if (api.requests().stream().anyMatch(r -> r.endsWith("/runtime/invocation/next"))) {
        return Optional.empty();
      }
      if (!process.isAlive()) {
        throw new AssertionError("the runtime exited (" + process.exitValue() + ") without an init error\n" + output());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("neither initialised nor failed within " + timeout + "\n" + output());
  }

  /** From starting the JVM to the first answer received (a cold start with the first request). */
  public Optional<Duration> firstInvocation() {
    return Optional.ofNullable(firstInvocation);
  }

  /**
   * Whether the runtime's native Runtime API client (the JNI library) is mapped into the function's process, read from
   * {@code /proc/<pid>/maps}; empty where there is no /proc or the process has exited.
   */
  public Optional<Boolean> nativeClientLoaded() {
    Path maps = Path.of("/proc", Long.toString(process.pid()), "maps");
    try {
      return Files.isReadable(maps) ? Optional.of(Files.readString(maps).contains("libaws-lambda-jni")) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public RuntimeApiServer api() {
    return api;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  public List<String> command() {
    return List.copyOf(command);
  }

  /** Everything the function and the runtime wrote to stdout so far, by line. */
  public List<String> stdoutLines() {
    return read(stdout).lines().toList();
  }

  /**
   * stdout's lines once one matches {@code line} (the runtime logs a function error after it posted it, so a test
   * that reads the log right after the answer may be early); fails after {@code timeout}.
   */
  public List<String> awaitStdoutLine(java.util.function.Predicate<String> line, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = stdoutLines();
      if (lines.stream().anyMatch(line)) {
        return lines;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such stdout line within " + timeout + "\n" + output());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  public String stderr() {
    return read(stderr);
  }

  /** stdout and stderr, for failure messages. */
  public String output() {
    return "--- stdout (" + stdout + ")\n" + read(stdout) + "--- stderr (" + stderr + ")\n" + read(stderr);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    api.close();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The jar (on this JVM's classpath) that holds {@code resource}. */
  static Path jarHolding(String resource) {
    URL url = LambdaJavaRuntime.class.getClassLoader().getResource(resource);
    if (url == null || !url.getProtocol().equals("jar")) {
      throw new IllegalStateException(resource + " is not in a jar on the test classpath (depend on canary-test-support)");
    }
    String s = url.toString();
    try {
      return Path.of(new URL(s.substring(4, s.indexOf("!/"))).toURI());
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The native client for this machine, from the RIC jar (Lambda ships it unpacked in /var/runtime/lib/jni). */
  private static Path extractJni(Path ricJar, Path dir) throws IOException {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String suffix = arch.equals("aarch64") || arch.equals("arm64") ? "aarch_64" : "x86_64";
    String libc = Files.exists(Path.of("/lib/ld-musl-x86_64.so.1")) || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"))
        ? "linux_musl" : "linux";
    String name = "libaws-lambda-jni." + libc + "-" + suffix + ".so";
    try (JarFile jar = new JarFile(ricJar.toFile())) {
      JarEntry e = jar.getJarEntry("jni/" + name);
      if (e == null) {
        throw new IllegalStateException(ricJar + " has no jni/" + name);
      }
      Path target = dir.resolve(name);
      try (InputStream in = jar.getInputStream(e)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    }
  }

  private static void unzip(Path jar, Path into) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) j.stream()::iterator) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("entry outside the task root: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          try (InputStream in = j.getInputStream(e)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
