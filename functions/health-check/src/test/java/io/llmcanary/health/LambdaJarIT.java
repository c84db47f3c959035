package io.llmcanary.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The deployment jar (built in `package`, checked in `verify`): the handler and only the libraries it uses. */
class LambdaJarIT {

  @Test
  void holdsTheHandlerAndItsServicesButNoTestOrUnusedHttpLibraries() throws IOException {
    Path target = Path.of("target");
    Path jar;
    try (Stream<Path> s = Files.list(target)) {
      jar = s.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).findFirst().orElseThrow();
    }
    try (JarFile j = new JarFile(jar.toFile())) {
      List<String> names = j.stream().map(e -> e.getName()).toList();
      assertThat(names).contains("io/llmcanary/health/HealthCheckHandler.class",
          "io/llmcanary/core/health/HealthCheck.class", "io/llmcanary/aws/cloudwatch/CloudWatchMetricsQuery.class",
          "io/llmcanary/aws/appconfig/AppConfigConfigPublisher.class");
      assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/services/cloudwatch/"));
      assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/services/appconfig/"));
      assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/http/urlconnection/"));
      assertThat(names).noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache"));
      assertThat(names).noneMatch(n -> n.startsWith("io/netty/"));
      assertThat(names).noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("org/testcontainers/")
          || n.startsWith("com/github/tomakehurst/") || n.startsWith("io/llmcanary/testing/"));
      assertThat(names).noneMatch(n -> n.startsWith("software/amazon/awssdk/services/sqs/")
          || n.startsWith("software/amazon/awssdk/services/bedrockruntime/"));
    }
  }
}
