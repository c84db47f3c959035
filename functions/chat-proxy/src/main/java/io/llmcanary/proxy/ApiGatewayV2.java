package io.llmcanary.proxy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.proxy.Caller;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * API Gateway HTTP API payload format 2.0 to and from {@link HttpCall}/{@link HttpReply}; and the event and
 * response as JSON, for the sample events, {@code canaryctl invoke} and the local server. The JSON mapping is
 * written out field by field rather than left to bean introspection, whose names for boolean fields such as
 * {@code isBase64Encoded} depend on how the event classes were generated.
 */
public final class ApiGatewayV2 {

  private ApiGatewayV2() {}

  public static HttpCall toCall(APIGatewayV2HTTPEvent e) {
    APIGatewayV2HTTPEvent.RequestContext ctx = e.getRequestContext();
    String method = ctx != null && ctx.getHttp() != null ? ctx.getHttp().getMethod() : null;
    String path = e.getRawPath() != null ? e.getRawPath()
        : ctx != null && ctx.getHttp() != null ? ctx.getHttp().getPath() : null;
    if (method == null && e.getRouteKey() != null && e.getRouteKey().contains(" ")) {
      method = e.getRouteKey().substring(0, e.getRouteKey().indexOf(' '));
    }
    Map<String, String> headers = new HashMap<>();
    if (e.getHeaders() != null) {
      e.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    }
    return new HttpCall(method, path, ctx == null ? null : ctx.getStage(), headers, e.getBody(),
        e.getIsBase64Encoded(), ctx == null ? null : ctx.getRequestId(), caller(ctx));
  }

  /**
   * The authenticated identity API Gateway put in the request context: {@code authorizer.jwt.claims.sub} (JWT
   * authorizer), {@code authorizer.iam.userArn} (IAM auth). Headers are never read for it: a client sets those.
   */
  static Caller caller(APIGatewayV2HTTPEvent.RequestContext ctx) {
    if (ctx == null || ctx.getAuthorizer() == null) {
      return Caller.NONE;
    }
    APIGatewayV2HTTPEvent.RequestContext.Authorizer a = ctx.getAuthorizer();
    String sub = a.getJwt() == null || a.getJwt().getClaims() == null ? null : a.getJwt().getClaims().get("sub");
    String arn = a.getIam() == null ? null : a.getIam().getUserArn();
    return new Caller(sub, arn);
  }

  public static APIGatewayV2HTTPResponse toResponse(HttpReply r) {
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(r.status())
        .withHeaders(r.headers())
        .withBody(r.body())
        .withIsBase64Encoded(false)
        .build();
  }

  /** Reads an HTTP API v2 event from its JSON, as API Gateway sends it. */
  public static APIGatewayV2HTTPEvent readEvent(String json) throws IOException {
    JsonNode n = Json.MAPPER.readTree(json);
    if (n == null || !n.isObject()) {
      throw new IOException("an API Gateway HTTP API event is a JSON object");
    }
    APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
    e.setVersion(text(n, "version"));
    e.setRouteKey(text(n, "routeKey"));
    e.setRawPath(text(n, "rawPath"));
    e.setRawQueryString(text(n, "rawQueryString"));
    e.setHeaders(map(n.get("headers")));
    e.setQueryStringParameters(map(n.get("queryStringParameters")));
    e.setPathParameters(map(n.get("pathParameters")));
    e.setStageVariables(map(n.get("stageVariables")));
    e.setBody(text(n, "body"));
    e.setIsBase64Encoded(n.path("isBase64Encoded").asBoolean(false));
    JsonNode c = n.get("requestContext");
    if (c != null && c.isObject()) {
      APIGatewayV2HTTPEvent.RequestContext ctx = new APIGatewayV2HTTPEvent.RequestContext();
      ctx.setRouteKey(text(c, "routeKey"));
      ctx.setAccountId(text(c, "accountId"));
      ctx.setStage(text(c, "stage"));
      ctx.setApiId(text(c, "apiId"));
      ctx.setDomainName(text(c, "domainName"));
      ctx.setDomainPrefix(text(c, "domainPrefix"));
      ctx.setTime(text(c, "time"));
      ctx.setTimeEpoch(c.path("timeEpoch").asLong(0));
      ctx.setRequestId(text(c, "requestId"));
      JsonNode h = c.get("http");
      if (h != null && h.isObject()) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(text(h, "method"));
        http.setPath(text(h, "path"));
        http.setProtocol(text(h, "protocol"));
        http.setSourceIp(text(h, "sourceIp"));
        http.setUserAgent(text(h, "userAgent"));
        ctx.setHttp(http);
      }
      JsonNode auth = c.get("authorizer");
      if (auth != null && auth.isObject()) {
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        JsonNode jwt = auth.get("jwt");
        if (jwt != null && jwt.isObject()) {
          APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT j = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
          j.setClaims(map(jwt.get("claims")));
          authorizer.setJwt(j);
        }
        JsonNode iam = auth.get("iam");
        if (iam != null && iam.isObject()) {
          APIGatewayV2HTTPEvent.RequestContext.IAM i = new APIGatewayV2HTTPEvent.RequestContext.IAM();
          i.setUserArn(text(iam, "userArn"));
          i.setUserId(text(iam, "userId"));
          i.setAccountId(text(iam, "accountId"));
          i.setCallerId(text(iam, "callerId"));
          authorizer.setIam(i);
        }
        ctx.setAuthorizer(authorizer);
      }
      e.setRequestContext(ctx);
    }
    return e;
  }

  /** The response as the JSON Lambda returns to API Gateway. */
  public static String writeResponse(APIGatewayV2HTTPResponse r) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("statusCode", r.getStatusCode());
    ObjectNode headers = n.putObject("headers");
    if (r.getHeaders() != null) {
      r.getHeaders().forEach(headers::put);
    }
    n.put("body", r.getBody());
    n.put("isBase64Encoded", r.getIsBase64Encoded());
    return n.toPrettyString();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Map<String, String> map(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    Map<String, String> m = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      m.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
    }
    return m;
  }
}
