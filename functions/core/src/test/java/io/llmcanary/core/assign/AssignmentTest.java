package io.llmcanary.core.assign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmcanary.core.config.Variant;
import java.io.InputStream;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class AssignmentTest {

  @Property
  void aUserAlwaysGetsTheSameBucketForTheSameSalt(@ForAll @StringLength(max = 64) String salt,
      @ForAll @StringLength(min = 1, max = 256) String userId) {
    assertThat(Assignment.bucket(salt, userId)).isEqualTo(Assignment.bucket(salt, userId));
  }

  @Property
  void bucketsLieWithinZeroToTenThousand(@ForAll String salt, @ForAll String userId) {
    assertThat(Assignment.bucket(salt, userId)).isBetween(0, Assignment.BUCKETS - 1);
  }

  @Property
  void aUserOnCanaryStaysOnCanaryWhenThePercentRises(@ForAll @StringLength(max = 32) String salt,
      @ForAll @StringLength(min = 1, max = 64) String userId,
      @ForAll @IntRange(min = 0, max = 10_000) int lower, @ForAll @IntRange(min = 0, max = 10_000) int higher) {
    Assume.that(lower <= higher);
    if (Assignment.assign(salt, userId, lower) == Variant.CANARY) {
      assertThat(Assignment.assign(salt, userId, higher)).isEqualTo(Variant.CANARY);
    }
  }

  @Property
  void nobodyIsOnCanaryAtZeroAndEverybodyIsAtOneHundred(@ForAll String salt, @ForAll String userId) {
    assertThat(Assignment.assign(salt, userId, 0)).isEqualTo(Variant.STABLE);
    assertThat(Assignment.assign(salt, userId, 10_000)).isEqualTo(Variant.CANARY);
  }

  @Test
  void bucketsAreUniformByChiSquare() {
    // 200,000 users into 100 groups of 100 buckets: chi-square with 99 degrees of freedom.
    // The 99.9% quantile of chi2(99) is 148.2; a uniform hash exceeds it once in a thousand salts.
    int groups = 100;
    int n = 200_000;
    long[] counts = new long[groups];
    for (int i = 0; i < n; i++) {
      counts[Assignment.bucket("rollout-chi", "user-" + i) / 100]++;
    }
    double expected = (double) n / groups;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    assertThat(chi2).isLessThan(148.2);
  }

  @Test
  void fivePercentOfUsersLandOnCanaryAtFivePercent() {
    int n = 100_000;
    int canary = 0;
    for (int i = 0; i < n; i++) {
      if (Assignment.assign("r-5", "u" + i, 500) == Variant.CANARY) {
        canary++;
      }
    }
    // Binomial(100000, 0.05): sd 68.9; 5 sd either side.
    assertThat(canary).isBetween(5000 - 345, 5000 + 345);
  }

  @Test
  void differentSaltsPickNearlyIndependentCanaryGroups() {
    int n = 200_000;
    int inA = 0;
    int inBoth = 0;
    for (int i = 0; i < n; i++) {
      String u = "user-" + i;
      boolean a = Assignment.assign("rollout-a", u, 1000) == Variant.CANARY;
      boolean b = Assignment.assign("rollout-b", u, 1000) == Variant.CANARY;
      inA += a ? 1 : 0;
      inBoth += a && b ? 1 : 0;
    }
    // Independent salts: P(both) = 0.1 * 0.1 = 1% of users (2000), not 10% as with a shared salt.
    assertThat(inA).isBetween(19_000, 21_000);
    assertThat(inBoth).isBetween(1700, 2300);
  }

  @Test
  void matchesThePublishedTestVectors() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/assignment-vectors.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      assertThat(root.get("vectors").size()).isGreaterThanOrEqualTo(50);
      for (JsonNode v : root.get("vectors")) {
        String salt = v.get("salt").asText();
        String user = v.get("userId").asText();
        assertThat(Assignment.bucket(salt, user)).as("bucket of %s/%s", salt, user).isEqualTo(v.get("bucket").asInt());
      }
    }
  }
}
