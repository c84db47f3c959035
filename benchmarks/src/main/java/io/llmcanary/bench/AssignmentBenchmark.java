package io.llmcanary.bench;

import io.llmcanary.core.assign.Assignment;
import io.llmcanary.core.config.Variant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Assignment alone (docs/architecture.md#assignment): evaluations per second on one core, single thread. Each call hashes a different
 * user id (4096 realistic ids, e-mail-like, 20–30 bytes) with a rollout salt, as the proxy does once per request.
 * {@code assign} is the figure reported as {@code assign_ops_per_s}; {@code assignAtZeroPercent} shows the
 * short cut at 0% (no hash), {@code bucket} the hash alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class AssignmentBenchmark {

  static final String SALT = "concise-2026-11-26";

  String[] users;
  int next;

  @Setup
  public void setUp() {
    users = new String[4096];
    for (int i = 0; i < users.length; i++) {
      users[i] = "user-" + Integer.toHexString(i * 0x9E3779B1) + "@example.com";
    }
  }

  private String nextUser() {
    next = (next + 1) & (users.length - 1);
    return users[next];
  }

  /** One assignment at a 5% canary share (500 basis points). */
  @Benchmark
  public Variant assign() {
    return Assignment.assign(SALT, nextUser(), 500);
  }

  @Benchmark
  public int bucket() {
    return Assignment.bucket(SALT, nextUser());
  }

  @Benchmark
  public Variant assignAtZeroPercent() {
    return Assignment.assign(SALT, nextUser(), 0);
  }
}
