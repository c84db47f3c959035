package io.llmcanary.aws.appconfig;

import io.llmcanary.codec.RolloutConfigCodec;
import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ConfigPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.appconfig.AppConfigClient;
import software.amazon.awssdk.services.appconfig.model.BadRequestException;
import software.amazon.awssdk.services.appconfig.model.ConflictException;
import software.amazon.awssdk.services.appconfig.model.CreateHostedConfigurationVersionResponse;
import software.amazon.awssdk.services.appconfig.model.DeploymentState;
import software.amazon.awssdk.services.appconfig.model.DeploymentSummary;
import software.amazon.awssdk.services.appconfig.model.GetDeploymentResponse;
import software.amazon.awssdk.services.appconfig.model.GetHostedConfigurationVersionResponse;
import software.amazon.awssdk.services.appconfig.model.HostedConfigurationVersionSummary;
import software.amazon.awssdk.services.appconfig.model.ListHostedConfigurationVersionsResponse;
import software.amazon.awssdk.services.appconfig.model.ResourceNotFoundException;

/**
 * Writes the rollout config with the AppConfig API (docs/architecture.md#the-rollout-config): CreateHostedConfigurationVersion, then
 * StartDeployment. The proxies read it through the AppConfig agent, so a change reaches all of them within one
 * agent poll interval after the deployment reaches them.
 *
 * <p>Only one deployment runs per environment; a second StartDeployment gets ConflictException. A PLANNED change
 * (a new stage) waits its turn: a bounded retry with backoff. An IMMEDIATE change (a rollback) does not wait:
 * it stops the running deployment (StopDeployment; a deployment already BAKING can only be stopped with
 * AllowRevert, which is what we want anyway) and deploys with a strategy of its own with duration 0, growth
 * 100% and bake 0, since {@code AppConfig.AllAtOnce} would hold the environment for a 10-minute bake.
 *
 * <p>Safe to repeat: a config equal to the latest hosted version is not stored twice, and an IMMEDIATE publish
 * whose version is already deployed (or deploying with the immediate strategy) starts nothing new. That is what
 * lets the health check resume a rollback that died between creating the version and deploying it.
 */
public final class AppConfigConfigPublisher implements ConfigPublisher {

  /** Backoff between attempts; a seam for tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** Where the config lives and which deployment strategies to use. */
  public record Target(String applicationId, String environmentId, String profileId, String plannedStrategyId,
      String immediateStrategyId) {
    public Target {
      Objects.requireNonNull(applicationId, "applicationId");
      Objects.requireNonNull(environmentId, "environmentId");
      Objects.requireNonNull(profileId, "profileId");
      Objects.requireNonNull(immediateStrategyId, "immediateStrategyId");
      plannedStrategyId = plannedStrategyId == null ? immediateStrategyId : plannedStrategyId;
    }
  }

  static final String CONTENT_TYPE = "application/json";
  private static final Set<DeploymentState> RUNNING = Set.of(DeploymentState.DEPLOYING, DeploymentState.BAKING,
      DeploymentState.VALIDATING);

  private final AppConfigClient appConfig;
  private final Target target;
  private final int maxAttempts;
  private final Duration backoff;
  private final Sleeper sleeper;

  public AppConfigConfigPublisher(AppConfigClient appConfig, Target target, int maxAttempts, Duration backoff,
      Sleeper sleeper) {
    this.appConfig = Objects.requireNonNull(appConfig, "appConfig");
    this.target = Objects.requireNonNull(target, "target");
    this.maxAttempts = Math.max(1, maxAttempts);
    this.backoff = backoff;
    this.sleeper = sleeper;
  }

  public AppConfigConfigPublisher(AppConfigClient appConfig, Target target) {
    this(appConfig, target, 4, Duration.ofSeconds(2), d -> Thread.sleep(d.toMillis()));
  }

  /**
   * The deployed config: the target of the newest deployment that was not stopped or rolled back (complete, or
   * still deploying or baking: some proxies serve it already). Not the latest hosted version, which may have been
   * created and never deployed.
   */
  @Override
  public RolloutConfig deployedConfig() {
    List<DeploymentSummary> recent = appConfig.listDeployments(b -> b.applicationId(target.applicationId())
        .environmentId(target.environmentId()).maxResults(10)).items();
    for (DeploymentSummary d : recent) {
      if (d.state() == DeploymentState.COMPLETE || RUNNING.contains(d.state())) {
        int number = Integer.parseInt(d.configurationVersion());
        GetHostedConfigurationVersionResponse r = appConfig.getHostedConfigurationVersion(b -> b
            .applicationId(target.applicationId()).configurationProfileId(target.profileId()).versionNumber(number));
        return switch (RolloutConfigCodec.parse(r.content().asUtf8String())) {
          case RolloutConfigCodec.Parsed.Valid v -> v.config();
          case RolloutConfigCodec.Parsed.Invalid i -> throw new IllegalStateException("AppConfig deployed version "
              + number + " of profile " + target.profileId() + " is not a valid rollout config: " + i.summary());
        };
      }
    }
    return null;
  }

  @Override
  public void publish(RolloutConfig config, Speed speed, String description) {
    String content = RolloutConfigCodec.write(config);
    Hosted latest = latest();
    int version;
    if (latest != null && latest.content().equals(content)) {
      version = latest.number();
    } else {
      version = create(content, description, latest == null ? null : latest.number());
    }
    deploy(version, speed, description);
  }

  private int create(String content, String description, Integer latestNumber) {
    CreateHostedConfigurationVersionResponse r = appConfig.createHostedConfigurationVersion(b -> b
        .applicationId(target.applicationId()).configurationProfileId(target.profileId())
        .content(SdkBytes.fromString(content, StandardCharsets.UTF_8)).contentType(CONTENT_TYPE)
        .description(truncate(description, 1024))
        // Optimistic lock: if someone stored a version since we looked, fail rather than overwrite blindly.
        .latestVersionNumber(latestNumber));
    return r.versionNumber();
  }

  private void deploy(int version, Speed speed, String description) {
    String strategy = speed == Speed.IMMEDIATE ? target.immediateStrategyId() : target.plannedStrategyId();
    String wanted = Integer.toString(version);
    ConflictException last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      List<DeploymentSummary> recent = appConfig.listDeployments(b -> b.applicationId(target.applicationId())
          .environmentId(target.environmentId()).maxResults(10)).items();
      if (alreadyDeployed(recent, wanted, speed, strategy)) {
        return;
      }
      if (speed == Speed.IMMEDIATE) {
        for (DeploymentSummary d : recent) {
          if (RUNNING.contains(d.state())) {
            stop(d.deploymentNumber(), d.state());
          }
        }
      }
      try {
        appConfig.startDeployment(b -> b.applicationId(target.applicationId()).environmentId(target.environmentId())
            .configurationProfileId(target.profileId()).configurationVersion(wanted).deploymentStrategyId(strategy)
            .description(truncate(description, 1024)));
        return;
      } catch (ConflictException e) {
        last = e;
        if (attempt < maxAttempts) {
          pause(backoff.multipliedBy(attempt));
        }
      }
    }
    throw new IllegalStateException("AppConfig environment " + target.environmentId() + " still has a deployment in"
        + " progress after " + maxAttempts + " attempts (ConflictException: " + last.getMessage() + ")", last);
  }

  /** The newest deployment already delivers this version the way asked: nothing to start. */
  private boolean alreadyDeployed(List<DeploymentSummary> recent, String version, Speed speed, String strategy) {
    if (recent.isEmpty()) {
      return false;
    }
    DeploymentSummary newest = recent.get(0);
    if (!version.equals(newest.configurationVersion())) {
      return false;
    }
    DeploymentState s = newest.state();
    if (s == DeploymentState.COMPLETE || s == DeploymentState.BAKING) {
      return true; // every proxy has (or is getting) it at 100%
    }
    if (s != DeploymentState.DEPLOYING && s != DeploymentState.VALIDATING) {
      return false; // rolled back or reverted: deploy again
    }
    if (speed == Speed.PLANNED) {
      return true;
    }
    GetDeploymentResponse d = appConfig.getDeployment(b -> b.applicationId(target.applicationId())
        .environmentId(target.environmentId()).deploymentNumber(newest.deploymentNumber()));
    return strategy.equals(d.deploymentStrategyId());
  }

  private void stop(int deploymentNumber, DeploymentState state) {
    try {
      appConfig.stopDeployment(b -> b.applicationId(target.applicationId()).environmentId(target.environmentId())
          .deploymentNumber(deploymentNumber));
    } catch (BadRequestException e) {
      // StopDeployment works on DEPLOYING only, unless AllowRevert: a BAKING deployment is stopped that way.
      appConfig.stopDeployment(b -> b.applicationId(target.applicationId()).environmentId(target.environmentId())
          .deploymentNumber(deploymentNumber).allowRevert(true));
    } catch (ResourceNotFoundException e) {
      // Finished between our look and the stop: nothing to stop.
    }
  }

  private record Hosted(int number, String content) {}

  /** The latest hosted version: the highest version number, whatever order the list comes in. */
  private Hosted latest() {
    Integer max = null;
    String next = null;
    do {
      String token = next;
      ListHostedConfigurationVersionsResponse page = appConfig.listHostedConfigurationVersions(b -> b
          .applicationId(target.applicationId()).configurationProfileId(target.profileId()).maxResults(50)
          .nextToken(token));
      for (HostedConfigurationVersionSummary s : page.items()) {
        if (s.versionNumber() != null && (max == null || s.versionNumber() > max)) {
          max = s.versionNumber();
        }
      }
      next = page.nextToken();
    } while (next != null);
    if (max == null) {
      return null;
    }
    int number = max;
    GetHostedConfigurationVersionResponse r = appConfig.getHostedConfigurationVersion(b -> b
        .applicationId(target.applicationId()).configurationProfileId(target.profileId()).versionNumber(number));
    return new Hosted(number, r.content().asUtf8String());
  }

  private void pause(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an AppConfig deployment", e);
    }
  }

  private static String truncate(String s, int max) {
    if (s == null) {
      return null;
    }
    return s.length() <= max ? s : s.substring(0, max);
  }
}
