package io.llmcanary.bench.coldstart;

/** One cold start from scratch, as the launcher's {@code COLDSTART} marker and the runner's clock saw it. */
record Run(String who, double totalMs, double initMs, double invokeMs, double mainToReadyMs, double primeMs,
    int status, int stdoutLines, String following) {

  /** Spawn to the launcher's main: the JVM's own start-up. */
  double bootMs() {
    return totalMs - mainToReadyMs;
  }
}
