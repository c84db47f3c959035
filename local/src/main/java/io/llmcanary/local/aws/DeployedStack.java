package io.llmcanary.local.aws;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * The deployed stack as canaryctl needs it, read from its CloudFormation outputs (template.yaml, Outputs): the
 * rollout API's base URL ({@code ApiUrl}), the application the routes act on ({@code ApplicationName}) and the
 * rest of the outputs by name. The adapter for CloudFormation of the operator CLI.
 */
public record DeployedStack(String name, String region, URI apiUrl, String application, Map<String, String> outputs) {

  /** A stack that cannot be used, with a message that says what to do. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Describes stack {@code name} (DescribeStacks) and reads its outputs. */
  public static DeployedStack describe(CloudFormationClient cfn, String name, String region) {
    Stack stack;
    try {
      stack = cfn.describeStacks(r -> r.stackName(name)).stacks().stream().findFirst()
          .orElseThrow(() -> new Unavailable(missing(name, region), null));
    } catch (CloudFormationException e) {
      String m = String.valueOf(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
      // DescribeStacks answers a missing stack (and a name no stack can have) with ValidationError; either way the
      // stack the operator named is not there.
      if (e.awsErrorDetails() != null && "ValidationError".equals(e.awsErrorDetails().errorCode())) {
        throw new Unavailable(missing(name, region), e);
      }
      throw new Unavailable("cannot describe stack " + name + " in " + region + ": " + m
          + " (the caller needs cloudformation:DescribeStacks)", e);
    } catch (SdkException e) {
      throw new Unavailable("cannot reach CloudFormation for stack " + name + " in " + region + ": " + e.getMessage()
          + " (AWS credentials and region come from the SDK's default chain: AWS_PROFILE, ~/.aws, --region;"
          + " --local works on the local state instead)", e);
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Output o : stack.outputs()) {
      outputs.put(o.outputKey(), o.outputValue());
    }
    String api = outputs.get("ApiUrl");
    if (api == null || api.isBlank()) {
      throw new Unavailable("stack " + name + " has no output ApiUrl: is it an llm-canary stack? (sam deploy"
          + " of this repository's template.yaml creates it)", null);
    }
    return new DeployedStack(name, region, URI.create(api.replaceAll("/+$", "")),
        outputs.getOrDefault("ApplicationName", "default"), Map.copyOf(outputs));
  }

  private static String missing(String name, String region) {
    return "no stack " + name + " in " + region + ": deploy it (sam build && sam deploy --guided), name another"
        + " with --stack NAME or --region REGION, or use the local state with --local";
  }

  private static final Pattern STACK_NAME = Pattern.compile("(?m)^\\s*stack_name\\s*=\\s*\"([^\"]+)\"");

  /** {@code stack_name} of samconfig.toml at the repository root, if any. */
  public static Optional<String> configuredStackName(Path root) {
    Path f = root.resolve("samconfig.toml");
    try {
      if (!Files.isRegularFile(f)) {
        return Optional.empty();
      }
      Matcher m = STACK_NAME.matcher(Files.readString(f));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
