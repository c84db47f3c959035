package io.llmcanary.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrimmedJarTest {

  static final List<String> KEPT = List.of(
      "io/llmcanary/health/HealthCheckHandler.class",
      "io/llmcanary/aws/appconfig/AppConfigConfigPublisher.class",
      "software/amazon/awssdk/services/dynamodb/DefaultDynamoDbClient.class",
      "software/amazon/awssdk/services/dynamodb/paginators/QueryIterable.class",
      "software/amazon/awssdk/services/sns/waiters/SnsWaiter.class",
      "com/fasterxml/jackson/databind/ObjectMapper.class",
      "META-INF/MANIFEST.MF");

  @Test
  void flagsYamlMultiReleaseSignatureAndEventEntriesAndNothingTheFunctionsUse() {
    List<String> unwanted = List.of("org/yaml/snakeyaml/Yaml.class",
        "com/fasterxml/jackson/dataformat/yaml/YAMLFactory.class", "META-INF/versions/9/module-info.class",
        "META-INF/BC.SF", "META-INF/BC.RSA",
        "com/amazonaws/services/lambda/runtime/events/ScheduledEvent.class");

    assertThat(TrimmedJar.yamlVersionedSignedOrEventEntries(concat(KEPT, unwanted))).isEqualTo(unwanted);
    assertThat(TrimmedJar.yamlVersionedSignedOrEventEntries(KEPT)).isEmpty();
  }

  @Test
  void flagsAsyncClientsStreamsWarmUpAndProxyAdaptersButNotTheSyncClients() {
    List<String> unwanted = List.of("software/amazon/awssdk/services/dynamodb/DynamoDbAsyncClient.class",
        "software/amazon/awssdk/services/dynamodb/paginators/QueryPublisher.class",
        "software/amazon/awssdk/services/sns/waiters/SnsAsyncWaiter.class",
        "software/amazon/awssdk/services/sfn/internal/warmup/SfnWarmUp.class",
        "software/amazon/awssdk/services/dynamodb/streams/DynamoDbStreamsClient.class",
        "META-INF/services/software.amazon.awssdk.core.warmup.SdkWarmUpProvider",
        "io/llmcanary/aws/bedrock/BedrockConverseChatModel.class",
        "io/llmcanary/aws/appconfig/AppConfigAgentConfigSource.class");

    assertThat(TrimmedJar.asyncStreamsWarmUpOrProxyAdapterEntries(concat(KEPT, unwanted))).isEqualTo(unwanted);
    assertThat(TrimmedJar.asyncStreamsWarmUpOrProxyAdapterEntries(KEPT)).isEmpty();
  }

  @Test
  void namesEachServiceProviderLineWhoseClassIsNotInTheJar(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("function.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      put(out, "com/example/Present.class", "");
      put(out, "META-INF/services/com.example.Spi", "# providers\ncom.example.Present\ncom.example.Gone # trimmed\n\n");
    }

    assertThat(TrimmedJar.entries(jar)).containsExactly("com/example/Present.class", "META-INF/services/com.example.Spi");
    assertThat(TrimmedJar.missingServiceProviders(jar)).containsExactly("META-INF/services/com.example.Spi: com.example.Gone");
  }

  private static void put(JarOutputStream out, String name, String text) throws Exception {
    out.putNextEntry(new JarEntry(name));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
