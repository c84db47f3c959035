package io.llmcanary.local.cli;

import picocli.CommandLine.Option;

/**
 * Where a rollout command acts (a picocli mixin): the deployed stack ({@code --stack}, {@code --region}) or the local
 * state ({@code --local}); see {@link Remote}.
 */
public final class StackOptions {

  @Option(names = "--stack", paramLabel = "NAME", description = "the deployed stack (default: stack_name of"
      + " samconfig.toml); its CloudFormation outputs name the rollout API, which the request goes to, SigV4-signed"
      + " with your AWS credentials (the SDK's default chain: AWS_PROFILE, ~/.aws, environment)")
  String stack;

  @Option(names = "--region", paramLabel = "R", description = "the stack's region (default: the SDK's default"
      + " chain, AWS_REGION or the profile's)")
  String region;

  @Option(names = "--local", description = "the local state instead of the stack (also the default when no stack"
      + " is configured)")
  boolean local;
}
