package io.llmcanary.promotion;

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
  void holdsTheHandlerAndItsServicesButNoTestOrUnusedLibraries() throws IOException {
    Path jar;
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      jar = s.filter(p -> p.getFileName().toString().equals("canary-promotion-lambda.jar")).findFirst().orElseThrow();
    }
    try (JarFile j = new JarFile(jar.toFile())) {
      List<String> names = j.stream().map(e -> e.getName()).toList();
      assertThat(names).contains("io/llmcanary/promotion/PromotionHandler.class",
          "io/llmcanary/core/promotion/Promotion.class",
          "io/llmcanary/aws/stepfunctions/StepFunctionsApprovalGateway.class",
          "io/llmcanary/aws/appconfig/AppConfigConfigPublisher.class", "rollout-config.schema.json");
      for (String service : List.of("sfn", "dynamodb", "sns", "appconfig", "cloudwatch")) {
        assertThat(names).anyMatch(n -> n.startsWith("software/amazon/awssdk/services/" + service + "/"));
      }
      assertThat(names).noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache") || n.startsWith("io/netty/"));
      assertThat(names).noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("org/testcontainers/")
          || n.startsWith("io/llmcanary/testing/") || n.startsWith("software/amazon/awssdk/services/sqs/")
          || n.startsWith("software/amazon/awssdk/services/bedrockruntime/") || n.startsWith("io/llmcanary/proxy/"));
    }
  }
}
