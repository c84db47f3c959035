package io.llmcanary.core.faults;

import io.llmcanary.core.config.RolloutConfig;
import io.llmcanary.core.ports.ConfigPublisher;
import java.util.ArrayList;
import java.util.List;

/**
 * AppConfig as the publisher sees it, with what matters for rollbacks: hosted versions and deployments are
 * separate (a version can be created and never deployed), one deployment runs per environment at a time (a
 * PLANNED one takes until the next tick; a second StartDeployment meanwhile gets a conflict, which the adapter
 * retries a few times with backoff before it gives up), and an IMMEDIATE publish stops a running deployment and
 * completes at once. {@link #deployed()} is the truth the invariants are checked against: the newest deployment that
 * was not stopped, running or complete (while one runs, some proxies already serve it).
 */
final class SimAppConfig implements ConfigPublisher {

  enum DeploymentState { DEPLOYING, COMPLETE, STOPPED }

  static final class Deployment {
    final int version;
    final Speed speed;
    DeploymentState state;

    Deployment(int version, Speed speed, DeploymentState state) {
      this.version = version;
      this.speed = speed;
      this.state = state;
    }
  }

  private static final int DEPLOY_ATTEMPTS = 4;

  private final Interleaver io;
  private final List<RolloutConfig> hosted = new ArrayList<>();
  private final List<Deployment> deployments = new ArrayList<>();

  SimAppConfig(Interleaver io, RolloutConfig initial) {
    this.io = io;
    hosted.add(initial);
    deployments.add(new Deployment(1, Speed.IMMEDIATE, DeploymentState.COMPLETE));
  }

  /** A tick of time: running deployments finish. */
  void tick() {
    for (Deployment d : deployments) {
      if (d.state == DeploymentState.DEPLOYING) {
        d.state = DeploymentState.COMPLETE;
      }
    }
  }

  /** What the proxies serve (or are being given): the newest deployment not stopped. */
  RolloutConfig deployed() {
    for (int i = deployments.size() - 1; i >= 0; i--) {
      Deployment d = deployments.get(i);
      if (d.state != DeploymentState.STOPPED) {
        return hosted.get(d.version - 1);
      }
    }
    return null;
  }

  /** The newest hosted version, deployed or not (read by the test itself: no fault, no interleaving). */
  RolloutConfig latestHosted() {
    return hosted.get(hosted.size() - 1);
  }

  @Override
  public RolloutConfig deployedConfig() {
    io.point("appconfig.ListDeployments");
    RolloutConfig d = deployed();
    io.point("appconfig.GetHostedConfigurationVersion");
    return d;
  }

  @Override
  public void publish(RolloutConfig config, Speed speed, String description) {
    io.point("appconfig.ListHostedConfigurationVersions");
    int version;
    if (hosted.get(hosted.size() - 1).equals(config)) {
      version = hosted.size();
    } else {
      io.point("appconfig.CreateHostedConfigurationVersion");
      hosted.add(config);
      version = hosted.size();
      io.after("appconfig.CreateHostedConfigurationVersion");
    }
    for (int attempt = 1; attempt <= DEPLOY_ATTEMPTS; attempt++) {
      io.point("appconfig.ListDeployments");
      Deployment newest = deployments.get(deployments.size() - 1);
      if (newest.version == version && (newest.state == DeploymentState.COMPLETE
          || newest.state == DeploymentState.DEPLOYING && (speed == Speed.PLANNED || newest.speed == Speed.IMMEDIATE))) {
        return;
      }
      if (speed == Speed.IMMEDIATE) {
        for (Deployment d : deployments) {
          if (d.state == DeploymentState.DEPLOYING) {
            io.point("appconfig.StopDeployment");
            d.state = DeploymentState.STOPPED;
          }
        }
      }
      io.point("appconfig.StartDeployment");
      boolean busy = deployments.stream().anyMatch(d -> d.state == DeploymentState.DEPLOYING);
      if (busy) {
        if (attempt == DEPLOY_ATTEMPTS) {
          throw new FaultPlan.InjectedFault("appconfig.StartDeployment: ConflictException: a deployment is in progress");
        }
        continue; // the adapter backs off and tries again; others go on meanwhile
      }
      deployments.add(new Deployment(version, speed,
          speed == Speed.IMMEDIATE ? DeploymentState.COMPLETE : DeploymentState.DEPLOYING));
      io.after("appconfig.StartDeployment");
      return;
    }
  }
}
