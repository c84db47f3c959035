package io.llmcanary.local.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** How the rollout commands reach AWS (for {@code CanaryCtl}, which builds the command tree with {@link #factory}). */
public final class RemoteClients {

  private final Remote.Clients clients;

  private RemoteClients(Remote.Clients clients) {
    this.clients = clients;
  }

  /**
   * @param cloudFormation a CloudFormation client for a region
   * @param cloudWatch     a CloudWatch client for a region (compare and replay read the metrics with it)
   * @param credentials    what the rollout API's requests are signed with
   * @param region         the region when --region is not given
   * @param root           where samconfig.toml is looked for
   */
  public static RemoteClients of(Function<String, CloudFormationClient> cloudFormation,
      Function<String, CloudWatchClient> cloudWatch, AwsCredentialsProvider credentials, String region, Path root) {
    return new RemoteClients(new Remote.Clients(cloudFormation, cloudWatch, credentials, Optional.ofNullable(region),
        root));
  }

  public static RemoteClients orStandard(RemoteClients given) {
    return given != null ? given : new RemoteClients(Remote.Clients.standard());
  }

  /**
   * Picocli's factory for the command tree: it makes each rollout command's {@link RolloutOptions} (its mixin) with
   * these clients, so the commands themselves take no constructor arguments.
   */
  public CommandLine.IFactory factory() {
    CommandLine.IFactory standard = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        return type == RolloutOptions.class ? type.cast(new RolloutOptions(clients)) : standard.create(type);
      }
    };
  }
}
