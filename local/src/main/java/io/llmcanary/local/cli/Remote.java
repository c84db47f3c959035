package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.local.aws.DeployedStack;
import io.llmcanary.local.aws.RolloutApi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * Where the rollout commands act: the deployed stack (found from its CloudFormation outputs; {@code --stack},
 * default {@code stack_name} of samconfig.toml; {@code --region}; credentials from the SDK's default chain), or the
 * local state ({@code --local}, {@code --state DIR}, or no stack configured).
 */
final class Remote {

  static final Set<String> FLAGS = Set.of("local");
  static final Set<String> VALUED = Set.of("stack", "region");
  static final String HELP = """
        --stack NAME   the deployed stack (default: stack_name of samconfig.toml); its CloudFormation outputs
                       name the rollout API, which the request goes to, SigV4-signed with your AWS credentials
                       (the SDK's default chain: AWS_PROFILE, ~/.aws, environment)
        --region R     the stack's region (default: the SDK's default chain, AWS_REGION or the profile's)
        --local        the local state instead of the stack (also the default when no stack is configured)
      """;

  /** How the CLI reaches AWS; tests point it at the emulator. */
  record Clients(Function<String, CloudFormationClient> cloudFormation,
      Function<String, CloudWatchClient> cloudWatch, AwsCredentialsProvider credentials,
      Optional<String> defaultRegion, Path root) {

    static Clients standard() {
      return new Clients(region -> CloudFormationClient.builder().region(Region.of(region))
          .httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
          region -> CloudWatchClient.builder().region(Region.of(region))
              .httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
          DefaultCredentialsProvider.builder().build(), Optional.empty(),
          Path.of(System.getProperty("canary.root", ".")));
    }

    String region(Args a) {
      String r = a.option("region", null);
      if (r != null) {
        return r;
      }
      if (defaultRegion.isPresent()) {
        return defaultRegion.get();
      }
      try {
        return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
      } catch (RuntimeException e) {
        throw new Args.UsageException("no AWS region: give --region REGION (or set AWS_REGION)");
      }
    }
  }

  /** The deployed stack and its API. */
  record Target(DeployedStack stack, RolloutApi api) {}

  private Remote() {}

  static Set<String> flags(Set<String> own) {
    Set<String> s = new HashSet<>(own);
    s.addAll(FLAGS);
    return s;
  }

  static Set<String> valued(Set<String> own) {
    Set<String> s = new HashSet<>(own);
    s.addAll(VALUED);
    return s;
  }

  /** The stack this invocation names, or empty for the local state. */
  static Optional<String> stackName(Args a, Clients c) {
    if (a.flag("local") || a.option("state", null) != null) {
      if (a.option("stack", null) != null) {
        throw new Args.UsageException("--stack and --local (or --state) exclude each other");
      }
      return Optional.empty();
    }
    String named = a.option("stack", null);
    if (named != null) {
      return Optional.of(named);
    }
    if (System.getenv("CANARY_STATE_DIR") != null) {
      return Optional.empty();
    }
    return DeployedStack.configuredStackName(c.root());
  }

  /** Finds the stack and its API; a stack that cannot be used is printed as a refusal (empty). */
  static Optional<Target> connect(String command, String stackName, Args a, Clients c, PrintStream err) {
    String region = c.region(a);
    try (CloudFormationClient cfn = c.cloudFormation().apply(region)) {
      DeployedStack s = DeployedStack.describe(cfn, stackName, region);
      return Optional.of(new Target(s, new RolloutApi(s.apiUrl(), region, c.credentials())));
    } catch (DeployedStack.Unavailable e) {
      err.println("canaryctl " + command + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Prints a refusal of the API with what to do; answers the exit code. */
  static int refused(String command, RolloutApi.Response r, PrintStream err) {
    String hint = switch (r.status()) {
      case 401, 403 -> " (the API refused your credentials: the caller needs execute-api:Invoke on the stack's API)";
      case 404 -> " (./canaryctl status ROLLOUT --stack NAME shows a rollout, ./canaryctl status --stack NAME lists"
          + " them; check the id and --stack)";
      default -> "";
    };
    err.println("canaryctl " + command + ": refused (" + r.status() + "): " + r.message() + hint);
    return Command.FAILED;
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
