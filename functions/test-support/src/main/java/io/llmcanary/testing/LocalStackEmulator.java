package io.llmcanary.testing;

import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in Docker through Testcontainers, for machines with a Docker engine and no usable Python.
 * Testcontainers classes are only touched when this emulator is tried, so machines without Docker never
 * load them.
 */
final class LocalStackEmulator implements Emulator {

  /**
   * Pinned: LocalStack images newer than 4.14 refuse to start without {@code LOCALSTACK_AUTH_TOKEN} (passed
   * through when set). Override with {@code -Dcanary.localstack.image=...}.
   */
  static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

  private final Map<String, String> env;
  private final String image;
  private final PrintStream console;

  LocalStackEmulator(Map<String, String> env, String image, PrintStream console) {
    this.env = env;
    this.image = image == null || image.isBlank() ? DEFAULT_IMAGE : image;
    this.console = console;
  }

  @Override
  public AwsEndpoint.Source source() {
    return AwsEndpoint.Source.LOCALSTACK;
  }

  @Override
  public Running start() throws Unavailable {
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      throw new Unavailable("cannot check for a Docker engine: " + e, e);
    }
    if (!docker) {
      throw new Unavailable("no Docker engine reachable (DOCKER_HOST, /var/run/docker.sock)");
    }
    long t0 = System.nanoTime();
    @SuppressWarnings("resource") // closed by Running.close, from the extension store or the shutdown hook
    LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(image)
        .asCompatibleSubstituteFor("localstack/localstack"));
    String token = env.get("LOCALSTACK_AUTH_TOKEN");
    if (token != null && !token.isBlank()) {
      container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new Unavailable("LocalStack " + image + " did not start: " + e.getMessage(), e);
    }
    URI endpoint = container.getEndpoint();
    console.printf("[aws-endpoint] LocalStack %s ready at %s in %d ms%n", image, endpoint,
        (System.nanoTime() - t0) / 1_000_000);
    Thread hook = new Thread(container::stop, "stop-localstack");
    Runtime.getRuntime().addShutdownHook(hook);
    return new Running() {
      @Override
      public URI endpoint() {
        return endpoint;
      }

      @Override
      public void close() {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook stops it
        }
        container.stop();
      }
    };
  }
}
