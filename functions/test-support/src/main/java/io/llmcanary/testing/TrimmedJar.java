package io.llmcanary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * What the back-end functions' jars (health check, promotion) must not carry, shared by their {@code LambdaJarIT}s:
 * both are shaded with the same trimming, so the rules are stated once. Each check returns the offending entries,
 * empty when the jar is clean, so a failing assertion names what came back.
 */
public final class TrimmedJar {

  /** The sync clients both back-end functions wire (DynamoDB with its query paginator, SNS, SFN, CloudWatch, AppConfig). */
  public static final List<String> BACK_END_CLIENTS = List.of(
      "software/amazon/awssdk/services/dynamodb/DefaultDynamoDbClient.class",
      "software/amazon/awssdk/services/dynamodb/paginators/QueryIterable.class",
      "software/amazon/awssdk/services/sns/DefaultSnsClient.class",
      "software/amazon/awssdk/services/sfn/DefaultSfnClient.class",
      "software/amazon/awssdk/services/cloudwatch/DefaultCloudWatchClient.class",
      "software/amazon/awssdk/services/appconfig/DefaultAppConfigClient.class");

  private TrimmedJar() {}

  /** The jar's file entries, directories left out. */
  public static List<String> entries(Path jar) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).toList();
    }
  }

  /**
   * YAML support (json-schema-validator loads it only for YAML input; the config and its schema are JSON),
   * multi-release variants (the merged jar is not multi-release, so they would never load), signature files, and
   * the Lambda event classes (neither function takes a typed event).
   */
  public static List<String> yamlVersionedSignedOrEventEntries(List<String> entries) {
    return matching(entries, n -> n.startsWith("org/yaml/")
        || n.startsWith("com/fasterxml/jackson/dataformat/yaml/")
        || n.startsWith("META-INF/versions/")
        || n.startsWith("META-INF/") && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA"))
        || n.startsWith("com/amazonaws/services/lambda/runtime/events/"));
  }

  /**
   * The SDK's async clients, async paginators and waiters, the DynamoDB Streams client and the warm-up providers
   * (only the chat proxy's priming warms up), and the chat proxy's adapters: unreachable from these handlers.
   */
  public static List<String> asyncStreamsWarmUpOrProxyAdapterEntries(List<String> entries) {
    return matching(entries, n -> n.matches("software/amazon/awssdk/services/[^/]+/[^/]*AsyncClient[^/]*\\.class")
        || n.matches("software/amazon/awssdk/services/[^/]+/paginators/[^/]*Publisher[^/]*\\.class")
        || n.matches("software/amazon/awssdk/services/[^/]+/waiters/[^/]*AsyncWaiter[^/]*\\.class")
        || n.matches("software/amazon/awssdk/services/[^/]+/internal/warmup/.*")
        || n.startsWith("software/amazon/awssdk/services/dynamodb/streams/")
        || n.equals("META-INF/services/software.amazon.awssdk.core.warmup.SdkWarmUpProvider")
        || n.startsWith("io/llmcanary/aws/bedrock/") || n.startsWith("io/llmcanary/aws/openai/")
        || n.startsWith("io/llmcanary/aws/appconfig/AppConfigAgentConfigSource"));
  }

  /** {@code META-INF/services} lines naming a class the jar lacks, as "service file: provider". */
  public static List<String> missingServiceProviders(Path jar) throws IOException {
    List<String> entries = entries(jar);
    List<String> missing = new ArrayList<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      for (String service : matching(entries, n -> n.startsWith("META-INF/services/"))) {
        String text;
        try (InputStream in = j.getInputStream(j.getEntry(service))) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        text.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
            .filter(provider -> !entries.contains(provider.replace('.', '/') + ".class"))
            .forEach(provider -> missing.add(service + ": " + provider));
      }
    }
    return missing;
  }

  private static List<String> matching(List<String> entries, Predicate<String> rule) {
    return entries.stream().filter(rule).toList();
  }
}
