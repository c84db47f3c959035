package io.llmcanary.core.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.ConfigError;
import io.llmcanary.core.config.VersionSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProvidersWiredTest {

  private final PromotionFixture f = new PromotionFixture();
  private final Promotion p = new Promotion(f.ports(), ApprovalChannels.LOCAL, OperatorRules.OPEN,
      ConfigCheck.providersWired(Set.of("bedrock", "offline")));

  @Test
  void aCanaryOnAProviderTheProxyHasNotWiredIsRefusedBeforeAnythingIsDeployedWithTheFieldNamed() {
    VersionSpec openAi = new VersionSpec("gpt-4o-mini", "openai", "You are concise.", List.of(), 0.7, 512);

    DecisionResult r = p.start(new StartRequest(null, "o1", openAi,
        Map.of("gpt-4o-mini", new io.llmcanary.core.config.ModelPrice(0.15, 0.6)), null, "alice", "try openai"));

    assertThat(r.applied()).isFalse();
    assertThat(r.message()).contains("versions.canary.provider").contains("not wired").contains("[bedrock, offline]");
    assertThat(f.store.get(PromotionFixture.APP, "o1")).isEmpty();
    assertThat(f.configs.deployedConfig().versions()).containsOnlyKeys("stable");
    assertThat(f.started).isEmpty();
  }

  @Test
  void aCanaryOnAWiredProviderStarts() {
    assertThat(p.start(f.startRequest("o2")).applied()).isTrue();
  }

  @Test
  void theCheckNamesEveryVersionOnAnUnwiredProviderAndNoneWithoutARestriction() {
    VersionSpec openAi = new VersionSpec("gpt-4o-mini", "openai", "x", List.of(), 0.7, 512);
    var config = PromotionFixture.baseline().withVersions(Map.of("stable", openAi, "canary", openAi));

    assertThat(ConfigCheck.providersWired(Set.of("bedrock")).check(config)).extracting(ConfigError::field)
        .containsExactlyInAnyOrder("versions.stable.provider", "versions.canary.provider");
    assertThat(ConfigCheck.providersWired(null).check(config)).isEmpty();
  }
}
