package io.llmcanary.core.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rollout config document (docs/architecture.md#the-rollout-config): everything the chat proxy needs to serve a request,
 * and what the health check and promotion need to judge and move a rollout. Held in AppConfig as a
 * freeform JSON profile; {@code infrastructure/appconfig/rollout-config.schema.json} describes it.
 *
 * @param schemaVersion    document format, currently 1
 * @param application      the application this rollout belongs to (metric dimension)
 * @param rolloutId        the rollout this document describes (metric dimension, assignment salt default)
 * @param canaryPercent    share of users on canary, 0..100 with 0.01 resolution
 * @param salt             assignment salt; defaults to the rollout id, so each rollout picks other users
 * @param versions         {@code stable} (required) and {@code canary} (required while canaryPercent > 0)
 * @param pricing          USD per million tokens per model id
 * @param guardrails       the judge's thresholds and statistics settings
 * @param stages           canary percent of each stage, ascending, ending at 100
 * @param fallbackToStable on a canary model error, retry that request on stable (counted separately)
 * @param qualityJudge     the quality judge on sampled answers ({@link QualityJudgeConfig#OFF} when omitted)
 */
public record RolloutConfig(
    int schemaVersion,
    String application,
    String rolloutId,
    double canaryPercent,
    String salt,
    Map<String, VersionSpec> versions,
    Map<String, ModelPrice> pricing,
    Guardrails guardrails,
    List<Double> stages,
    boolean fallbackToStable,
    QualityJudgeConfig qualityJudge) {

  public static final int SCHEMA_VERSION = 1;
  public static final String DEFAULT_APPLICATION = "default";

  public RolloutConfig {
    application = application == null || application.isBlank() ? DEFAULT_APPLICATION : application;
    versions = versions == null ? Map.of() : Map.copyOf(versions);
    pricing = pricing == null ? Map.of() : Map.copyOf(pricing);
    guardrails = guardrails == null ? Guardrails.defaults() : guardrails;
    stages = stages == null || stages.isEmpty() ? StagePlanDefaults.PERCENTS : List.copyOf(stages);
    qualityJudge = qualityJudge == null ? QualityJudgeConfig.OFF : qualityJudge;
  }

  /** Without a quality judge. */
  public RolloutConfig(int schemaVersion, String application, String rolloutId, double canaryPercent, String salt,
      Map<String, VersionSpec> versions, Map<String, ModelPrice> pricing, Guardrails guardrails, List<Double> stages,
      boolean fallbackToStable) {
    this(schemaVersion, application, rolloutId, canaryPercent, salt, versions, pricing, guardrails, stages,
        fallbackToStable, QualityJudgeConfig.OFF);
  }

  /** The salt assignment uses: the configured one, else the rollout id. */
  public String effectiveSalt() {
    return salt == null || salt.isBlank() ? rolloutId : salt;
  }

  /** Canary share in basis points (1/100 of a percent), the unit assignment works in. */
  public int canaryBasisPoints() {
    return (int) Math.round(canaryPercent * 100.0);
  }

  public Optional<VersionSpec> version(Variant variant) {
    return Optional.ofNullable(versions.get(variant.wireName()));
  }

  public Optional<ModelPrice> price(String model) {
    return Optional.ofNullable(pricing.get(model));
  }

  /** A copy with another canary percent (the health check's rollback, a promotion stage). */
  public RolloutConfig withCanaryPercent(double percent) {
    return new RolloutConfig(schemaVersion, application, rolloutId, percent, salt, versions, pricing,
        guardrails, stages, fallbackToStable, qualityJudge);
  }

  /** A copy with other versions (finalize: canary becomes stable). */
  public RolloutConfig withVersions(Map<String, VersionSpec> newVersions) {
    return new RolloutConfig(schemaVersion, application, rolloutId, canaryPercent, salt, newVersions,
        pricing, guardrails, stages, fallbackToStable, qualityJudge);
  }

  /** A copy with other quality-judge settings. */
  public RolloutConfig withQualityJudge(QualityJudgeConfig judge) {
    return new RolloutConfig(schemaVersion, application, rolloutId, canaryPercent, salt, versions, pricing,
        guardrails, stages, fallbackToStable, judge);
  }

  /** Package-private holder so the record's compact constructor can use the default plan. */
  static final class StagePlanDefaults {
    static final List<Double> PERCENTS = List.of(5.0, 25.0, 50.0, 100.0);

    private StagePlanDefaults() {}
  }
}
