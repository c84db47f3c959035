package io.llmcanary.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules of a rollout config that hold across fields, or that a JSON Schema states less clearly.
 * The JSON Schema (infrastructure/appconfig) checks shapes and ranges when the document is read; this
 * checks the parsed model, so configs built in code (the CLI, the promotion) are held to the same rules.
 */
public final class RolloutConfigValidator {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final java.util.Set<String> PROVIDERS = java.util.Set.of("bedrock", "openai", "offline");
  private static final java.util.Set<String> ROLES = java.util.Set.of("user", "assistant");

  private RolloutConfigValidator() {}

  public static List<ConfigError> validate(RolloutConfig c) {
    List<ConfigError> errors = new ArrayList<>();
    if (c.schemaVersion() != RolloutConfig.SCHEMA_VERSION) {
      errors.add(new ConfigError("schemaVersion", "const",
          "schemaVersion must be " + RolloutConfig.SCHEMA_VERSION + ", got " + c.schemaVersion()));
    }
    checkId(errors, "application", c.application());
    checkId(errors, "rolloutId", c.rolloutId());
    double p = c.canaryPercent();
    if (!(p >= 0 && p <= 100)) {
      errors.add(new ConfigError("canaryPercent", "range", "canaryPercent must be within 0..100, got " + p));
    } else if (Math.abs(p * 100 - Math.rint(p * 100)) > 1e-6) {
      errors.add(new ConfigError("canaryPercent", "resolution",
          "canaryPercent has a resolution of 0.01, got " + p));
    }
    VersionSpec stable = c.versions().get("stable");
    VersionSpec canary = c.versions().get("canary");
    if (stable == null) {
      errors.add(new ConfigError("versions.stable", "required", "a stable version is required"));
    }
    if (canary == null && p > 0) {
      errors.add(new ConfigError("versions.canary", "required",
          "canaryPercent is " + p + " but there is no canary version; add versions.canary or set canaryPercent to 0"));
    }
    for (Map.Entry<String, VersionSpec> e : c.versions().entrySet()) {
      String name = e.getKey();
      if (!name.equals("stable") && !name.equals("canary")) {
        errors.add(new ConfigError("versions." + name, "enum", "versions holds only 'stable' and 'canary', not '" + name + "'"));
        continue;
      }
      checkVersion(errors, "versions." + name, e.getValue(), c);
    }
    List<Double> stages = c.stages();
    double prev = 0;
    boolean rising = true;
    for (int i = 0; i < stages.size(); i++) {
      Double s = stages.get(i);
      if (s == null || !(s > prev && s <= 100)) {
        errors.add(new ConfigError("stages[" + i + "]", "ascending",
            "stages must rise strictly within (0, 100]; stage " + i + " is " + s + " after " + prev));
        rising = false;
        break;
      }
      prev = s;
    }
    if (rising && !stages.isEmpty() && prev != 100.0) {
      errors.add(new ConfigError("stages", "ends-at-100", "the last stage must be 100, got " + prev));
    }
    checkGuardrails(errors, c.guardrails());
    checkQualityJudge(errors, c.qualityJudge());
    return List.copyOf(errors);
  }

  private static void checkVersion(List<ConfigError> errors, String path, VersionSpec v, RolloutConfig c) {
    if (v == null) {
      errors.add(new ConfigError(path, "type", path + " must be an object"));
      return;
    }
    if (v.model() == null || v.model().isBlank()) {
      errors.add(new ConfigError(path + ".model", "required", "a model id is required"));
    } else if (!"offline".equals(v.provider()) && c.price(v.model()).isEmpty()
        && errors.stream().noneMatch(e -> e.field().equals("pricing." + v.model()))) {
      errors.add(new ConfigError("pricing." + v.model(), "required",
          "no price for model '" + v.model() + "' (used by " + path + "); add pricing[\"" + v.model() + "\"] with inputPerMTok and outputPerMTok"));
    }
    if (!PROVIDERS.contains(v.provider())) {
      errors.add(new ConfigError(path + ".provider", "enum", "provider must be one of " + PROVIDERS + ", got '" + v.provider() + "'"));
    }
    if (v.systemPrompt() == null) {
      errors.add(new ConfigError(path + ".systemPrompt", "required", "a system prompt is required (it may be empty)"));
    }
    if (!(v.temperature() >= 0 && v.temperature() <= 2)) {
      errors.add(new ConfigError(path + ".temperature", "range", "temperature must be within 0..2, got " + v.temperature()));
    }
    if (v.maxTokens() < 1 || v.maxTokens() > 200_000) {
      errors.add(new ConfigError(path + ".maxTokens", "range", "maxTokens must be within 1..200000, got " + v.maxTokens()));
    }
    for (int i = 0; i < v.fewShot().size(); i++) {
      VersionSpec.ChatTurn t = v.fewShot().get(i);
      if (t == null || !ROLES.contains(t.role())) {
        errors.add(new ConfigError(path + ".fewShot[" + i + "].role", "enum", "a few-shot role is 'user' or 'assistant'"));
      }
      if (t != null && t.content() == null) {
        errors.add(new ConfigError(path + ".fewShot[" + i + "].content", "required", "a few-shot turn needs content"));
      }
    }
    checkTurnOrder(errors, path, v.fewShot());
  }

  /**
   * Bedrock Converse (and most chat APIs) refuse a conversation that does not start with a user turn and alternate
   * user, assistant; the user's own messages follow the few-shot turns, starting with a user turn. A version whose
   * examples break that would fail every call, counted as that version's errors, so the order is checked here, the
   * first misplaced turn named.
   */
  private static void checkTurnOrder(List<ConfigError> errors, String path, List<VersionSpec.ChatTurn> turns) {
    String expected = "user";
    for (int i = 0; i < turns.size(); i++) {
      VersionSpec.ChatTurn t = turns.get(i);
      if (t == null || !ROLES.contains(t.role())) {
        return; // reported above
      }
      if (!t.role().equals(expected)) {
        errors.add(new ConfigError(path + ".fewShot[" + i + "].role", "turn-order", i == 0
            ? "few-shot turns start with a 'user' turn, got '" + t.role() + "'"
            : "few-shot turns alternate user and assistant: turn " + i + " is a second '" + t.role()
                + "' in a row; merge it into turn " + (i - 1) + " or put an '" + expected + "' turn between"));
        return;
      }
      expected = expected.equals("user") ? "assistant" : "user";
    }
    if (!turns.isEmpty() && expected.equals("assistant")) {
      int last = turns.size() - 1;
      errors.add(new ConfigError(path + ".fewShot[" + last + "].role", "turn-order", "the last few-shot turn must be"
          + " 'assistant': the user's message comes next, and two user turns in a row are refused"));
    }
  }

  private static void checkGuardrails(List<ConfigError> errors, Guardrails g) {
    ratio(errors, "guardrails.rollbackQualityRatio", g.rollbackQualityRatio(), 0, 1);
    ratio(errors, "guardrails.gateQualityRatio", g.gateQualityRatio(), 0, 1);
    ratio(errors, "guardrails.rollbackErrorRateRatio", g.rollbackErrorRateRatio(), 1, 100);
    ratio(errors, "guardrails.rollbackLatencyP95Ratio", g.rollbackLatencyP95Ratio(), 1, 100);
    ratio(errors, "guardrails.rollbackCostRatio", g.rollbackCostRatio(), 1, 100);
    ratio(errors, "guardrails.gateLatencyP95Ratio", g.gateLatencyP95Ratio(), 1, 100);
    ratio(errors, "guardrails.gateCostRatio", g.gateCostRatio(), 1, 100);
    ratio(errors, "guardrails.gateErrorRateRatio", g.gateErrorRateRatio(), 1, 100);
    ratio(errors, "guardrails.minErrorRateIncrease", g.minErrorRateIncrease(), 0, 1);
    if (!(g.alpha() > 0 && g.alpha() < 0.5)) {
      errors.add(new ConfigError("guardrails.alpha", "range", "alpha must be within (0, 0.5), got " + g.alpha()));
    }
    ratio(errors, "guardrails.hardCeilingErrorRate", g.hardCeilingErrorRate(), 0, 1);
    if (g.minRequests() < 1) {
      errors.add(new ConfigError("guardrails.minRequests", "range", "minRequests must be at least 1"));
    }
    if (g.minQualitySamples() < 1) {
      errors.add(new ConfigError("guardrails.minQualitySamples", "range", "minQualitySamples must be at least 1"));
    }
    if (g.hardCeilingMinRequests() < 1) {
      errors.add(new ConfigError("guardrails.hardCeilingMinRequests", "range", "hardCeilingMinRequests must be at least 1"));
    }
    ratio(errors, "guardrails.rollbackCheckFailureRatio", g.rollbackCheckFailureRatio(), 1, 100);
    ratio(errors, "guardrails.gateCheckFailureRatio", g.gateCheckFailureRatio(), 1, 100);
    ratio(errors, "guardrails.minCheckFailureIncrease", g.minCheckFailureIncrease(), 0, 1);
    ratio(errors, "guardrails.rollbackJudgeScoreRatio", g.rollbackJudgeScoreRatio(), 0, 1);
    ratio(errors, "guardrails.gateJudgeScoreRatio", g.gateJudgeScoreRatio(), 0, 1);
    if (g.minJudgeSamples() < 1) {
      errors.add(new ConfigError("guardrails.minJudgeSamples", "range", "minJudgeSamples must be at least 1"));
    }
    ratio(errors, "guardrails.rollbackPreference", g.rollbackPreference(), 0, 0.5);
    ratio(errors, "guardrails.gatePreference", g.gatePreference(), 0, 0.5);
  }

  private static void checkQualityJudge(List<ConfigError> errors, QualityJudgeConfig q) {
    if (!List.of("off", "absolute", "pairwise").contains(q.mode())) {
      errors.add(new ConfigError("qualityJudge.mode", "enum", "mode must be off, absolute or pairwise, got '"
          + q.mode() + "'"));
    }
    ratio(errors, "qualityJudge.sampleRate", q.sampleRate(), 0, 1);
    if (q.maxPerHour() < 0) {
      errors.add(new ConfigError("qualityJudge.maxPerHour", "range", "maxPerHour must be at least 0"));
    }
  }

  private static void ratio(List<ConfigError> errors, String field, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      errors.add(new ConfigError(field, "range", field.substring(field.indexOf('.') + 1) + " must be within " + lo + ".." + hi + ", got " + v));
    }
  }

  private static void checkId(List<ConfigError> errors, String field, String value) {
    if (value == null || value.isBlank()) {
      errors.add(new ConfigError(field, "required", field + " is required"));
    } else if (!ID.matcher(value).matches()) {
      errors.add(new ConfigError(field, "pattern",
          field + " must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit; got '" + value + "'"));
    }
  }
}
