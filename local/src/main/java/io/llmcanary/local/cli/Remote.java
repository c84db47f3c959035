package io.llmcanary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.local.aws.DeployedStack;
import io.llmcanary.local.aws.RolloutApi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
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

    String region(StackOptions a) {
      String r = a.region;
      if (r != null) {
        return r;
      }
      if (defaultRegion.isPresent()) {
        return defaultRegion.get();
      }
      try {
        return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
      } catch (RuntimeException e) {
        throw new UsageException("no AWS region: give --region REGION (or set AWS_REGION)");
      }
    }
  }

  /** The deployed stack and its API. */
  record Target(DeployedStack stack, RolloutApi api) {}

  private Remote() {}

  /** The stack this invocation names, or empty for the local state. */
  static Optional<String> stackName(StackOptions a, StateOptions state, Clients c) {
    if (a.local || state.given()) {
      if (a.stack != null) {
        throw new UsageException("--stack and --local (or --state) exclude each other");
      }
      return Optional.empty();
    }
    String named = a.stack;
    if (named != null) {
      return Optional.of(named);
    }
    if (System.getenv("CANARY_STATE_DIR") != null) {
      return Optional.empty();
    }
    return DeployedStack.configuredStackName(c.root());
  }

  /** Finds the stack and its API; a stack that cannot be used is printed as a refusal (empty). */
  static Optional<Target> connect(String command, String stackName, StackOptions a, Clients c, PrintStream err) {
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
    return Subcommand.FAILED;
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
