package io.llmcanary.promotion;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The promotion Lambda. Events are the promotion state machine's task payloads (dispatched on their
 * {@code action} field: apply-stage, gate, request-approval, finalize, expire-approval, report-failure), the
 * ApprovePromotion state machine's {@code decide}, and the rollout routes of the HTTP API (payload 2.0).
 * Everything is wired once per container, at init, from the environment (see {@link PromotionWiring}): a missing
 * or bad variable fails the init, which Lambda reports through its init error naming the variable, instead of
 * failing the first invocation.
 */
public final class PromotionHandler implements RequestStreamHandler {

  private final PromotionFunction function;

  /** The Lambda runtime's constructor, run at init: the function wired from the environment, SDK clients and all. */
  public PromotionHandler() {
    this(PromotionWiring.fromEnvironment(System.getenv()));
  }

  /** With a function wired elsewhere (tests, the local runner). */
  public PromotionHandler(PromotionFunction function) {
    this.function = java.util.Objects.requireNonNull(function, "function");
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    output.write(function.handle(event).getBytes(StandardCharsets.UTF_8));
  }
}
