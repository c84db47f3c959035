package io.llmcanary.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class VersionRouterTest {

  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
  static final VersionSpec FALLBACK = new VersionSpec("fallback", "fake", "", List.of(), null, 100);
  final VersionRouter router = new VersionRouter(Duration.ofMinutes(15), FALLBACK, "chat-app");

  private Variant variant(double percent, String user) {
    Route r = router.route(new ConfigSnapshot(Fixtures.config(percent, false), NOW, 0), user, NOW);
    return ((Route.Serve) r).variant();
  }

  @Property(tries = 300)
  void aUserKeepsTheirVersionAcrossPercentIncreases(@ForAll @StringLength(min = 1, max = 40) String user,
      @ForAll("stages") List<Double> stages) {
    boolean wasCanary = false;
    for (double p : stages) {
      boolean canary = variant(p, user) == Variant.CANARY;
      if (wasCanary) {
        assertThat(canary).as("a canary user at a lower share stays canary at %s%%", p).isTrue();
      }
      assertThat(variant(p, user)).as("sticky").isEqualTo(canary ? Variant.CANARY : Variant.STABLE);
      wasCanary = canary;
    }
    assertThat(variant(100, user)).isEqualTo(Variant.CANARY);
    assertThat(variant(0, user)).isEqualTo(Variant.STABLE);
  }

  @Provide
  Arbitrary<List<Double>> stages() {
    return Arbitraries.integers().between(0, 10_000).map(bp -> bp / 100.0).list().ofMinSize(1).ofMaxSize(6)
        .map(l -> l.stream().sorted().toList());
  }

  @Test
  void theCanaryShareIsCloseToTheConfiguredPercent() {
    int canary = 0;
    for (int i = 0; i < 20_000; i++) {
      canary += variant(5, "user-" + i) == Variant.CANARY ? 1 : 0;
    }
    assertThat(canary / 20_000.0).isBetween(0.04, 0.06);
  }

  @Test
  void withoutAnyConfigTheFallbackStableServesAndNothingGoesToCanary() {
    Route r = router.route(new ConfigSnapshot(null, null, 3), "u1", NOW);
    assertThat(r).isEqualTo(new Route.Serve(Variant.STABLE, FALLBACK, "chat-app", VersionRouter.NO_ROLLOUT, null,
        RouteReason.NO_CONFIG));
  }

  @Test
  void withoutAnyConfigOrFallbackTheProxyIsUnavailable() {
    VersionRouter bare = new VersionRouter(Duration.ofMinutes(15), null, null);
    assertThat(bare.route(new ConfigSnapshot(null, null, 3), "u1", NOW)).isInstanceOf(Route.Unavailable.class);
  }

  @Test
  void aConfigNotConfirmedForLongerThanTheMaxAgeServesStableOnly() {
    ConfigSnapshot old = new ConfigSnapshot(Fixtures.config(100, false), NOW.minus(Duration.ofMinutes(16)), 40);
    Route r = router.route(old, "u1", NOW);
    assertThat(r).isInstanceOfSatisfying(Route.Serve.class, s -> {
      assertThat(s.variant()).isEqualTo(Variant.STABLE);
      assertThat(s.spec()).isEqualTo(Fixtures.STABLE);
      assertThat(s.reason()).isEqualTo(RouteReason.STALE_CONFIG);
      assertThat(s.rolloutId()).isEqualTo("rollout-7");
    });
    ConfigSnapshot recent = new ConfigSnapshot(Fixtures.config(100, false), NOW.minus(Duration.ofMinutes(14)), 40);
    assertThat(((Route.Serve) router.route(recent, "u1", NOW)).variant()).isEqualTo(Variant.CANARY);
  }

  @Test
  void aFixedConfigIsNeverTooOld() {
    assertThat(((Route.Serve) router.route(ConfigSnapshot.fixed(Fixtures.config(100, false)), "u1", NOW)).variant())
        .isEqualTo(Variant.CANARY);
  }

  @Test
  void theSaltDecidesWhichUsersAreCanarySoRolloutsPickDifferentUsers() {
    int same = 0;
    int inA = 0;
    for (int i = 0; i < 5_000; i++) {
      String u = "user-" + i;
      boolean a = io.llmcanary.core.assign.Assignment.assign("rollout-a", u, 1000) == Variant.CANARY;
      boolean b = io.llmcanary.core.assign.Assignment.assign("rollout-b", u, 1000) == Variant.CANARY;
      inA += a ? 1 : 0;
      same += a && b ? 1 : 0;
    }
    assertThat((double) same / inA).isLessThan(0.2); // independent salts overlap about 10%
  }
}
