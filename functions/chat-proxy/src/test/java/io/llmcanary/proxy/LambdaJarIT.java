package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The deployable jar (built in package, checked in verify) holds what this function needs and nothing else. */
class LambdaJarIT {

  static List<String> entries() throws IOException {
    Path jar = Path.of("target", "canary-chat-proxy-lambda.jar");
    assertThat(jar).exists();
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void theJarHoldsTheHandlerItsAdaptersAndBedrock() throws IOException {
    List<String> e = entries();
    assertThat(e).contains("io/llmcanary/proxy/ChatProxyHandler.class",
        "io/llmcanary/aws/appconfig/AppConfigAgentConfigSource.class",
        "io/llmcanary/aws/bedrock/BedrockConverseChatModel.class",
        "io/llmcanary/aws/openai/OpenAiCompatibleChatModel.class",
        "io/llmcanary/proxy/offline-rollout.json",
        "rollout-config.schema.json",
        "software/amazon/awssdk/services/bedrockruntime/BedrockRuntimeClient.class",
        "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
        "com/amazonaws/services/lambda/runtime/RequestHandler.class",
        "org/crac/Core.class");
  }

  @Test
  void theJarHoldsNoOtherServiceNoUnusedHttpClientAndNoOtherFunctionsAdapters() throws IOException {
    assertThat(entries().stream().filter(n -> !n.endsWith("/")).toList())
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/services/")
            && !n.startsWith("software/amazon/awssdk/services/bedrockruntime/"))
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache"))
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/http/nio/netty"))
        .noneMatch(n -> n.startsWith("io/netty/"))
        .noneMatch(n -> n.startsWith("org/joda/"))
        .noneMatch(n -> n.startsWith("io/llmcanary/local/"))
        .noneMatch(n -> n.equals("io/llmcanary/aws/DynamoDbRolloutStore.class"))
        .noneMatch(n -> n.equals("io/llmcanary/aws/SnsAlertPublisher.class"));
  }

  @Test
  void theJarIsSmallerThanLambdasLimitForADirectUpload() throws IOException {
    assertThat(Files.size(Path.of("target", "canary-chat-proxy-lambda.jar"))).isLessThan(50L * 1024 * 1024);
  }
}
