package io.llmcanary.local.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** How the rollout commands reach AWS, and the commands built with it (for {@code CanaryCtl}). */
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

  public Subcommand start() {
    return new StartCommand(clients);
  }

  public Subcommand decide(String decision) {
    return DecideCommand.of(decision, clients);
  }

  public Subcommand status() {
    return new StatusCommand(clients);
  }

  public Subcommand compare() {
    return new CompareCommand(clients);
  }

  public Subcommand replay() {
    return new ReplayCommand(clients);
  }

  public Subcommand history() {
    return new HistoryCommand(clients);
  }
}
