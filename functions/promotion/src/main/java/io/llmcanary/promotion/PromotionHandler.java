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
 * Everything is wired once per container, in the static initializer's holder, from the environment
 * (see {@link PromotionWiring}).
 */
public final class PromotionHandler implements RequestStreamHandler {

  /** Built on the first invocation of a container and kept: the SDK clients live as long as the container. */
  private static final class Default {
    static final PromotionFunction FUNCTION = PromotionWiring.fromEnvironment(System.getenv());
  }

  private final PromotionFunction function;

  /** The Lambda runtime's constructor: the function wired from the environment. */
  public PromotionHandler() {
    this(null);
  }

  /** With a function wired elsewhere (tests, the local runner). */
  public PromotionHandler(PromotionFunction function) {
    this.function = function;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    PromotionFunction f = function != null ? function : Default.FUNCTION;
    String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    output.write(f.handle(event).getBytes(StandardCharsets.UTF_8));
  }
}
