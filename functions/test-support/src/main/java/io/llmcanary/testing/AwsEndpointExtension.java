package io.llmcanary.testing;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Gives integration tests an AWS endpoint (use it through {@link AwsIntegrationTest}). In this order:
 *
 * <ol>
 *   <li>{@code AWS_ENDPOINT_URL}, when set: a server someone else runs;
 *   <li>else a moto server started here: {@code tools/python-tools.sh} installs the pinned venv if needed, then
 *       {@code .venv/bin/moto_server} runs on a free loopback port, its output in {@code target/moto-server.log};
 *   <li>else LocalStack through Testcontainers, when a Docker engine is reachable;
 *   <li>else the tests fail when {@code CI=true}, and are skipped otherwise (the class is disabled, so the
 *       summaries count its tests as skipped), with a loud note on stderr that says how to enable them.
 * </ol>
 *
 * One endpoint serves the whole JVM: it is kept in the root extension store, whose closing at the end of
 * the run stops the emulator (a JVM shutdown hook stops it too, also when tests failed or the run was cut
 * short). The repository root comes from the system property {@code canary.root}, which the parent pom
 * sets for surefire and failsafe, else from the nearest directory up that holds {@code mvnw}.
 */
public final class AwsEndpointExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AwsEndpointExtension.class);
  private static final AtomicBoolean EXPLAINED = new AtomicBoolean();

  /**
   * Without an endpoint the class is disabled rather than aborted: surefire and failsafe count a disabled
   * class as skipped in their summaries, while a class aborted in {@code @BeforeAll} shows as "Tests run: 0".
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("the class has an AWS endpoint");
    }
    try {
      endpoint(context);
      return ConditionEvaluationResult.enabled("AWS endpoint available");
    } catch (TestAbortedException e) {
      return ConditionEvaluationResult.disabled(e.getMessage());
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    endpoint(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == AwsEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return endpoint(context);
  }

  /** The JVM's endpoint; aborts (skips) or fails the calling test when there is none. */
  static AwsEndpoint endpoint(ExtensionContext context) {
    EndpointResolver.Resolution resolution = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(EndpointResolver.Resolution.class, key -> resolver().resolve(),
            EndpointResolver.Resolution.class);
    return switch (resolution) {
      case EndpointResolver.Resolution.Found found -> found.endpoint();
      case EndpointResolver.Resolution.Unavailable none -> {
        String reasons = String.join("; ", none.reasons());
        if (!none.fixable()) {
          throw new IllegalStateException("AWS endpoint misconfigured: " + reasons);
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new IllegalStateException("No AWS endpoint for integration tests, and CI=true forbids skipping them: "
              + reasons + ". " + HOW_TO_ENABLE.replaceAll("\\s+", " "));
        }
        if (EXPLAINED.compareAndSet(false, true)) {
          explain(System.err, none.reasons());
        }
        yield Assumptions.abort("AWS integration tests skipped: no AWS endpoint (" + reasons + ")");
      }
    };
  }

  private static final String HOW_TO_ENABLE = """
      To run them, any one of:
        - install Python 3.10+ with venv (apt-get install python3 python3-venv); the tests then install
          moto into .venv themselves via tools/python-tools.sh (needs PyPI once);
        - export AWS_ENDPOINT_URL=http://127.0.0.1:5000 pointing at a running moto_server or LocalStack;
        - start a Docker engine (LocalStack through Testcontainers; LOCALSTACK_AUTH_TOKEN is passed through).""";

  private static void explain(PrintStream err, List<String> reasons) {
    String bar = "!".repeat(100);
    StringBuilder b = new StringBuilder().append('\n').append(bar).append('\n')
        .append("!! AWS INTEGRATION TESTS ARE BEING SKIPPED: no AWS endpoint could be found or started.\n");
    for (String r : reasons) {
      b.append("!!   ").append(r).append('\n');
    }
    for (String line : HOW_TO_ENABLE.split("\n")) {
      b.append("!! ").append(line).append('\n');
    }
    b.append("!! With CI=true this is a failure, not a skip.\n").append(bar).append('\n');
    err.print(b);
    err.flush();
  }

  private static EndpointResolver resolver() {
    PrintStream console = System.err;
    Map<String, String> properties = new HashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      properties.put(name, System.getProperty(name));
    }
    Map<String, String> env = System.getenv();
    return new EndpointResolver(env, properties, () -> List.of(
        new MotoEmulator(repositoryRoot(), targetDir().resolve("moto-server.log"), console),
        new LocalStackEmulator(env, System.getProperty("canary.localstack.image"), console)));
  }

  static Path repositoryRoot() {
    String configured = System.getProperty("canary.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    return start;
  }

  /** The module's build directory: surefire and failsafe set {@code basedir}; else the working directory. */
  private static Path targetDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().resolve("target");
  }
}
