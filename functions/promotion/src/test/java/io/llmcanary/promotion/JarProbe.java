package io.llmcanary.promotion;

import io.llmcanary.codec.RolloutConfigCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs inside {@link LambdaJarIT}'s class loader, which sees only the deployable jar and the JDK: so it may use
 * nothing but the jar's classes, and answers in JDK types only.
 */
public final class JarProbe {

  private JarProbe() {}

  /**
   * Wires the function from {@code env} as the handler's holder does from the process environment, and hands each
   * event to the handler as the Lambda runtime would (a stream in, a stream out). Answers the responses, in order,
   * and what the schema check said of {@code badConfig}.
   */
  public static Map<String, Object> run(Map<String, String> env, List<String> events, String badConfig)
      throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("isolated", PromotionHandler.class.getClassLoader() == JarProbe.class.getClassLoader());
    out.put("badConfig", switch (RolloutConfigCodec.parse(badConfig)) {
      case RolloutConfigCodec.Parsed.Valid v -> "valid";
      case RolloutConfigCodec.Parsed.Invalid i -> i.summary();
    });
    PromotionHandler handler = new PromotionHandler(PromotionWiring.fromEnvironment(env));
    List<String> responses = new ArrayList<>();
    for (String event : events) {
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), response, null);
      responses.add(response.toString(StandardCharsets.UTF_8));
    }
    out.put("responses", responses);
    return out;
  }
}
