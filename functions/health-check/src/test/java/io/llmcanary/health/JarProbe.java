package io.llmcanary.health;

import io.llmcanary.codec.RolloutConfigCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs inside {@link LambdaJarIT}'s class loader, which sees only the deployable jar and the JDK: so it may use
 * nothing but the jar's classes, and answers in JDK types only.
 */
public final class JarProbe {

  private JarProbe() {}

  /**
   * Wires the handler from {@code env} as the Lambda runtime's constructor does from the process environment, and
   * runs it once on {@code event}. Answers the handler's response, its log and what the schema check said of
   * {@code badConfig}.
   */
  public static Map<String, Object> run(Map<String, String> env, Map<String, Object> event, String badConfig) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("isolated", HealthCheckHandler.class.getClassLoader() == JarProbe.class.getClassLoader());
    out.put("badConfig", switch (RolloutConfigCodec.parse(badConfig)) {
      case RolloutConfigCodec.Parsed.Valid v -> "valid";
      case RolloutConfigCodec.Parsed.Invalid i -> i.summary();
    });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HealthCheckHandler handler = new HealthCheckHandler(HealthCheckWiring.fromEnvironment(env).healthCheck(),
        new PrintStream(log, true, StandardCharsets.UTF_8));
    out.put("response", handler.handleRequest(event, null));
    out.put("log", log.toString(StandardCharsets.UTF_8));
    return out;
  }
}
