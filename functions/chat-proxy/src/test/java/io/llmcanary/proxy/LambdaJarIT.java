package io.llmcanary.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.proxy.priming.ProxyPriming;
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
  void theJarHoldsTheHandlerItsAdaptersBedrockAndTheJudgeQueuesClient() throws IOException {
    List<String> e = entries();
    assertThat(e).contains("io/llmcanary/proxy/ChatProxyHandler.class",
        "io/llmcanary/aws/appconfig/AppConfigAgentConfigSource.class",
        "io/llmcanary/aws/bedrock/BedrockConverseChatModel.class",
        "io/llmcanary/aws/openai/OpenAiCompatibleChatModel.class",
        "io/llmcanary/proxy/offline-rollout.json",
        "rollout-config.schema.json",
        "software/amazon/awssdk/services/bedrockruntime/BedrockRuntimeClient.class",
        "io/llmcanary/aws/sqs/SqsJudgeHandoff.class",
        "software/amazon/awssdk/services/sqs/SqsClient.class",
        "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
        "com/amazonaws/services/lambda/runtime/RequestHandler.class",
        "org/crac/Core.class");
  }

  @Test
  void theJarHoldsNoOtherServiceNoUnusedHttpClientAndNoOtherFunctionsAdapters() throws IOException {
    assertThat(entries().stream().filter(n -> !n.endsWith("/")).toList())
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/services/")
            && !n.startsWith("software/amazon/awssdk/services/bedrockruntime/")
            && !n.startsWith("software/amazon/awssdk/services/sqs/")
            // the feedback ledger (DynamoDbFeedbackLedger), on /feedback only
            && !n.startsWith("software/amazon/awssdk/services/dynamodb/")
            // the feedback secret, read at init, after a restore and on its refresh interval (SecretRotation)
            && !n.startsWith("software/amazon/awssdk/services/secretsmanager/"))
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache"))
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/http/nio/netty"))
        .noneMatch(n -> n.startsWith("io/netty/"))
        .noneMatch(n -> n.startsWith("org/joda/"))
        .noneMatch(n -> n.startsWith("io/llmcanary/local/"))
        .noneMatch(n -> n.equals("io/llmcanary/aws/DynamoDbRolloutStore.class"))
        .noneMatch(n -> n.equals("io/llmcanary/aws/SnsAlertPublisher.class"))
        .contains("io/llmcanary/aws/dynamodb/DynamoDbFeedbackLedger.class");
  }

  @Test
  void theJarHoldsNoYamlSupportNoUnusedEventClassesAndNoVersionedClassesItWouldNeverLoad() throws IOException {
    List<String> files = entries().stream().filter(n -> !n.endsWith("/")).toList();
    assertThat(files)
        .noneMatch(n -> n.startsWith("org/yaml/"))
        .noneMatch(n -> n.startsWith("com/fasterxml/jackson/dataformat/yaml/"))
        .noneMatch(n -> n.startsWith("META-INF/versions/"));
    assertThat(files.stream().filter(n -> n.startsWith("com/amazonaws/services/lambda/runtime/events/")))
        .isNotEmpty()
        .allMatch(n -> n.startsWith("com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTP"));
  }

  /**
   * The trimmed jar still works on its own: in a class loader that sees only the jar (and the JDK), the priming dry
   * run reads the shipped config through the JSON Schema, answers /chat and /feedback and reads the config over
   * HTTP from a loopback stub. A class the trimming removed but the code needs would fail here.
   */
  @Test
  void theJarAloneRunsTheRequestPathAndTheAgentPath() throws Exception {
    java.net.URL jar = Path.of("target", "canary-chat-proxy-lambda.jar").toUri().toURL();
    try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(new java.net.URL[] {jar},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> priming = isolated.loadClass(ProxyPriming.class.getName());
      assertThat(priming.getClassLoader()).isSameAs(isolated);
      Object report = priming.getMethod("prime").invoke(null);
      Class<?> type = report.getClass();
      assertThat(type.getMethod("failures").invoke(report)).asList().isEmpty();
      assertThat(type.getMethod("chatAnswered").invoke(report)).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
      assertThat(type.getMethod("feedbackRecorded").invoke(report)).isEqualTo(ProxyPriming.REQUEST_PATH_ROUNDS);
      assertThat(type.getMethod("agentPath").invoke(report)).isEqualTo(true);
    }
  }

  @Test
  void theJarIsSmallerThanLambdasLimitForADirectUpload() throws IOException {
    assertThat(Files.size(Path.of("target", "canary-chat-proxy-lambda.jar"))).isLessThan(50L * 1024 * 1024);
  }
}
