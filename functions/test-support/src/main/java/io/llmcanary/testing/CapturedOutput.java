package io.llmcanary.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a run writes to stdout and stderr, which are a Lambda function's log stream: for tests that check what a
 * function logs, or that it logs nothing. The streams are the JVM's, so such tests must not run concurrently.
 */
public final class CapturedOutput {

  /** A run that may throw what the code under test throws. */
  @FunctionalInterface
  public interface Run {
    void run() throws Exception;
  }

  private CapturedOutput() {}

  /** Both streams, interleaved as written; restored whatever {@code run} does. */
  public static String of(Run run) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(sink);
    System.setErr(sink);
    try {
      run.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
