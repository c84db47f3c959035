package io.llmcanary.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromotionWiringTest {

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("ROLLOUT_TABLE", "llm-canary-rollouts");
    env.put("ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:llm-canary-alerts");
    env.put("APPCONFIG_APPLICATION_ID", "abc1234");
    env.put("APPCONFIG_ENVIRONMENT_ID", "env5678");
    env.put("APPCONFIG_PROFILE_ID", "prof9012");
    env.put("APPCONFIG_DEPLOYMENT_STRATEGY_ID", "imm3456");
    env.put("PROMOTION_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:llm-canary-promotion");
    env.put("STAGE_SECONDS", "3600");
    return env;
  }

  @Test
  void theFunctionIsWiredFromTheTemplatesEnvironmentWithoutCallingAws() {
    assertThat(PromotionWiring.fromEnvironment(env()).promotion()).isNotNull();
  }

  @Test
  void aMissingVariableIsNamed() {
    Map<String, String> env = env();
    env.remove("ROLLOUT_TABLE");
    assertThatThrownBy(() -> PromotionWiring.fromEnvironment(env)).hasMessageContaining("ROLLOUT_TABLE is not set");
  }

  @Test
  void executionSettingsComeFromTheEnvironmentAndAreChecked() {
    assertThat(PromotionWiring.executionSettings(env())).containsExactly(Map.entry("stageSeconds", 3600L));
    Map<String, String> bad = env();
    bad.put("APPROVAL_TIMEOUT_SECONDS", "a week");
    assertThatThrownBy(() -> PromotionWiring.executionSettings(bad)).hasMessageContaining("APPROVAL_TIMEOUT_SECONDS");
  }

  @Test
  void operatorRulesComeFromTheEnvironmentAndABadValueIsNamed() {
    Map<String, String> env = new java.util.HashMap<>(env());
    assertThat(PromotionWiring.operatorRules(env)).isEqualTo(io.llmcanary.core.promotion.OperatorRules.OPEN);
    env.put("CANARY_OPERATOR_PRINCIPALS", " arn:aws:iam::123456789012:role/Operators , arn:aws:iam::123456789012:user/alice");
    env.put("CANARY_REQUIRE_SEPARATE_APPROVER", "true");
    assertThat(PromotionWiring.operatorRules(env)).isEqualTo(new io.llmcanary.core.promotion.OperatorRules(
        java.util.List.of("arn:aws:iam::123456789012:role/Operators", "arn:aws:iam::123456789012:user/alice"), true));
    env.put("CANARY_OPERATOR_PRINCIPALS", "alice");
    assertThatThrownBy(() -> PromotionWiring.operatorRules(env)).hasMessageContaining("CANARY_OPERATOR_PRINCIPALS")
        .hasMessageContaining("'alice'");
    env.remove("CANARY_OPERATOR_PRINCIPALS");
    env.put("CANARY_REQUIRE_SEPARATE_APPROVER", "yes");
    assertThatThrownBy(() -> PromotionWiring.operatorRules(env)).hasMessageContaining("CANARY_REQUIRE_SEPARATE_APPROVER");
  }

  @Test
  void theWiredProvidersComeFromTheEnvironmentAndUnsetMeansNoRestriction() {
    Map<String, String> env = new java.util.HashMap<>(env());
    assertThat(PromotionWiring.wiredProviders(env)).isNull();
    env.put("CANARY_PROVIDERS", "bedrock, offline");
    assertThat(PromotionWiring.wiredProviders(env)).containsExactlyInAnyOrder("bedrock", "offline");
  }
}
