package io.llmcanary.bench.coldstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One cold start, the way the Lambda Java runtime does it: load the handler class by name from the jar under test,
 * construct it (the init phase), turn a sample API Gateway HTTP API event into {@link APIGatewayV2HTTPEvent}, call
 * {@code handleRequest} once with a fake {@link Context} (the first invoke), and print one marker line:
 *
 * <pre>COLDSTART status=200 init_ms=… invoke_ms=… main_to_ready_ms=… prime_ms=…</pre>
 *
 * then exit. {@link ColdStartRunner} times the whole process from spawn to that line. The classpath is this
 * launcher's own jar (only JDK types besides the Lambda interfaces, resolved from the jar under test) and the jar
 * under test; the event is read with {@link MiniJson}, not with a library the handler might share.
 *
 * <p>Usage: {@code java [flags] -cp launcher.jar:function.jar io.llmcanary.bench.coldstart.ColdStartLauncher
 * HANDLER_CLASS EVENT_JSON [--prime] [--invocations N] [--checkpoint DIR]}. {@code --prime} calls the handler's CRaC
 * {@code beforeCheckpoint} after construction, as SnapStart does before its snapshot, to time the first invoke of a
 * primed handler in the same JVM.
 *
 * <p>{@code --checkpoint DIR} is SnapStart's sequence with a real process snapshot taken by CRIU from outside
 * ({@link ColdStartRunner} drives it): init, {@code beforeCheckpoint} (when the handler has one), then the file
 * {@code DIR/ready} is written and the process waits, polling every millisecond for {@code DIR/go}. The runner dumps
 * it (CRIU kills it), creates {@code go}, and restores the image as many times as it likes; each restored process
 * finds {@code go}, calls {@code afterRestore}, handles the first event and prints the marker with two wall-clock
 * stamps, {@code wake_epoch_us} (running again) and {@code ready_epoch_us} (response ready), which the runner
 * subtracts from the moment it started {@code criu restore}.
 */
public final class ColdStartLauncher {

  private ColdStartLauncher() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    long tMain = System.nanoTime();
    String handlerClass = args[0];
    Path eventFile = Path.of(args[1]);
    boolean prime = false;
    int invocations = 1;
    Path checkpointDir = null;
    for (int a = 2; a < args.length; a++) {
      switch (args[a]) {
        case "--prime" -> prime = true;
        case "--invocations" -> invocations = Integer.parseInt(args[++a]);
        case "--checkpoint" -> checkpointDir = Path.of(args[++a]);
        default -> throw new IllegalArgumentException("unknown option " + args[a]);
      }
    }
    String eventJson = Files.readString(eventFile, StandardCharsets.UTF_8);

    // Init phase: the runtime loads the handler class and calls its no-argument constructor.
    PhaseInitStart.mark();
    long t0 = System.nanoTime();
    Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
    long tInit = System.nanoTime();
    PhaseInitDone.mark();
    long primeNanos = 0;
    if (prime || checkpointDir != null) {
      primeNanos = beforeCheckpoint(handler);
    }
    long wakeMicros = 0;
    if (checkpointDir != null) {
      epochMicros(); // loads the clock's classes before the snapshot, for both subjects alike
      Path go = checkpointDir.resolve("go");
      // Written whole, then renamed: the runner acts as soon as the name appears.
      Path ready = Files.writeString(checkpointDir.resolve("ready.tmp"), "prime_ms=" + ms(primeNanos) + "\n");
      Files.move(ready, checkpointDir.resolve("ready"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      while (!Files.exists(go)) {
        Thread.sleep(1);
      }
      // Restored (or never dumped, if the runner gave up): from here on this is the restored process.
      wakeMicros = epochMicros();
      PhaseRestored.mark();
      afterRestore(handler);
    }

    // Invoke phase: event deserialisation (ours, JDK only), the handler, a minimal response serialisation.
    long t1 = System.nanoTime();
    APIGatewayV2HTTPEvent event = event(eventJson);
    APIGatewayV2HTTPResponse r = ((RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler)
        .handleRequest(event, new FakeContext("cold-start-1"));
    String wire = responseJson(r);
    long tReady = System.nanoTime();
    long readyMicros = checkpointDir == null ? 0 : epochMicros();
    PhaseInvokeDone.mark();
    System.out.println("COLDSTART status=" + r.getStatusCode() + " init_ms=" + ms(tInit - t0)
        + " invoke_ms=" + ms(tReady - t1) + " main_to_ready_ms=" + ms(tReady - tMain)
        + " prime_ms=" + ms(primeNanos) + " response_bytes=" + wire.length()
        + (checkpointDir == null ? "" : " wake_epoch_us=" + wakeMicros + " ready_epoch_us=" + readyMicros));
    System.out.flush();
    if (invocations > 1) {
      long[] nanos = new long[invocations - 1];
      for (int k = 0; k < nanos.length; k++) {
        long s = System.nanoTime();
        ((RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler)
            .handleRequest(event(eventJson), new FakeContext("warm-" + k));
        nanos[k] = System.nanoTime() - s;
      }
      StringBuilder b = new StringBuilder("FOLLOWING invoke_ms=");
      for (int k = 0; k < Math.min(nanos.length, 10); k++) {
        b.append(k == 0 ? "" : ",").append(ms(nanos[k]));
      }
      System.out.println(b);
      System.out.flush();
    }
    System.exit(0);
  }

  /** Wall clock in microseconds: comparable across processes (the runner's start of {@code criu restore}). */
  static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** Calls {@code org.crac.Resource#afterRestore(null)} when the handler has one, as SnapStart does after a restore. */
  private static void afterRestore(Object handler) throws Exception {
    Method m = cracHook(handler, "afterRestore");
    if (m != null) {
      m.invoke(handler, (Object) null);
    }
  }

  private static Method cracHook(Object handler, String name) {
    try {
      return handler.getClass().getMethod(name, Class.forName("org.crac.Context"));
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return null;
    }
  }

  /** Calls {@code org.crac.Resource#beforeCheckpoint(null)} when the handler has one (reflection: the bare has none). */
  private static long beforeCheckpoint(Object handler) throws Exception {
    Method m = cracHook(handler, "beforeCheckpoint");
    if (m == null) {
      return 0;
    }
    long s = System.nanoTime();
    m.invoke(handler, (Object) null);
    return System.nanoTime() - s;
  }

  /** Milliseconds with two decimals, without java.util.Formatter (which would load regex and locale classes). */
  private static String ms(long nanos) {
    long hundredths = Math.round(nanos / 10_000.0);
    long frac = hundredths % 100;
    return hundredths / 100 + (frac < 10 ? ".0" : ".") + frac;
  }

  @SuppressWarnings("unchecked")
  static APIGatewayV2HTTPEvent event(String json) {
    Map<String, Object> n = (Map<String, Object>) MiniJson.parse(json);
    APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
    e.setVersion(str(n.get("version")));
    e.setRouteKey(str(n.get("routeKey")));
    e.setRawPath(str(n.get("rawPath")));
    e.setRawQueryString(str(n.get("rawQueryString")));
    e.setHeaders(strings(n.get("headers")));
    e.setQueryStringParameters(strings(n.get("queryStringParameters")));
    e.setPathParameters(strings(n.get("pathParameters")));
    e.setStageVariables(strings(n.get("stageVariables")));
    e.setBody(str(n.get("body")));
    e.setIsBase64Encoded(Boolean.TRUE.equals(n.get("isBase64Encoded")));
    if (n.get("requestContext") instanceof Map<?, ?> c) {
      APIGatewayV2HTTPEvent.RequestContext ctx = new APIGatewayV2HTTPEvent.RequestContext();
      ctx.setRouteKey(str(c.get("routeKey")));
      ctx.setAccountId(str(c.get("accountId")));
      ctx.setStage(str(c.get("stage")));
      ctx.setApiId(str(c.get("apiId")));
      ctx.setDomainName(str(c.get("domainName")));
      ctx.setDomainPrefix(str(c.get("domainPrefix")));
      ctx.setTime(str(c.get("time")));
      ctx.setTimeEpoch(c.get("timeEpoch") instanceof Number t ? t.longValue() : 0);
      ctx.setRequestId(str(c.get("requestId")));
      if (c.get("http") instanceof Map<?, ?> h) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(str(h.get("method")));
        http.setPath(str(h.get("path")));
        http.setProtocol(str(h.get("protocol")));
        http.setSourceIp(str(h.get("sourceIp")));
        http.setUserAgent(str(h.get("userAgent")));
        ctx.setHttp(http);
      }
      e.setRequestContext(ctx);
    }
    return e;
  }

  /** What the runtime sends back: status, headers, body (escaped minimally; only its length is reported). */
  static String responseJson(APIGatewayV2HTTPResponse r) {
    StringBuilder b = new StringBuilder("{\"statusCode\":").append(r.getStatusCode()).append(",\"headers\":{");
    if (r.getHeaders() != null) {
      boolean first = true;
      for (Map.Entry<String, String> h : r.getHeaders().entrySet()) {
        b.append(first ? "" : ",").append('"').append(h.getKey()).append("\":\"").append(esc(h.getValue())).append('"');
        first = false;
      }
    }
    b.append("},\"body\":\"").append(esc(r.getBody())).append("\",\"isBase64Encoded\":").append(r.getIsBase64Encoded())
        .append('}');
    return b.toString();
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static Map<String, String> strings(Object o) {
    if (!(o instanceof Map<?, ?> m)) {
      return null;
    }
    Map<String, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k.toString(), v == null ? null : v.toString()));
    return out;
  }

  // Empty classes loaded at the phase boundaries: in a -Xlog:class+load log they split the classes loaded into JVM
  // boot and launcher, init, and first invoke (ColdStartRunner counts them). Loading one costs microseconds.
  static final class PhaseInitStart { static void mark() { } }
  static final class PhaseInitDone { static void mark() { } }
  static final class PhaseInvokeDone { static void mark() { } }
  static final class PhaseRestored { static void mark() { } }

  /** The parts of the runtime's context a handler may read; constant values. */
  record FakeContext(String requestId) implements Context {
    @Override public String getAwsRequestId() { return requestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/cold-start"; }
    @Override public String getLogStreamName() { return "cold-start"; }
    @Override public String getFunctionName() { return "cold-start"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:cold-start"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 30_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override public void log(String message) { System.out.print(message); }
        @Override public void log(byte[] message) { System.out.print(new String(message, StandardCharsets.UTF_8)); }
      };
    }
  }
}
