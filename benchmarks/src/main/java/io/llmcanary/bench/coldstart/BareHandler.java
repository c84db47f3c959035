package io.llmcanary.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;

/**
 * The cold-start baseline (docs/architecture.md#performance-budget): a bare Java 21 handler of the same event types as the chat proxy that
 * returns a constant. Shipped alone with aws-lambda-java-core/events in {@code canary-bare-lambda.jar}, so both
 * sides of the comparison load their handler, event and response classes the same way.
 */
public final class BareHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  private static final Map<String, String> HEADERS = Map.of("content-type", "application/json");

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(200)
        .withHeaders(HEADERS)
        .withBody("{\"answer\":\"constant\"}")
        .withIsBase64Encoded(false)
        .build();
  }
}
