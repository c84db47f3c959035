package io.llmcanary.core.judge;

import static io.llmcanary.core.judge.Fixtures.lastHour;
import static io.llmcanary.core.judge.Fixtures.stage;
import static io.llmcanary.core.judge.Fixtures.typical;
import static io.llmcanary.core.judge.Fixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.metrics.VersionStats;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

  @Test
  void theVerdictTableShowsEveryRowWithItsNumbers() {
    VersionStats stable = version(57_000, 570, 0.004, 17_100, 0.87, 1840, 600);
    VersionStats canary = version(3_000, 36, 0.003, 900, 0.78, 1910, 600);
    Verdict v = new SequentialJudge().rollbackCheck(new JudgeInput(stage(10, stable, canary),
        lastHour(10, typical(5700, 60), typical(300, 60))), Guardrails.defaults());
    String table = v.table();
    System.out.println(v.reason() + "\n" + table);

    String[] lines = table.split("\n");
    assertThat(lines).hasSize(8);
    assertThat(lines[0]).contains("Metric", "Stable", "Canary", "Diff", "Result", "Threshold");
    assertThat(lines[2]).startsWith("avg_quality").contains("0.8700", "0.7800", "-10.3%", "17100", "900",
        "REGRESSION", "rollback if < 90% of stable");
    assertThat(lines[3]).startsWith("judge_score").contains("n/a", "INCONCLUSIVE");
    assertThat(lines[4]).startsWith("check_failures").contains("rollback if > 2x stable and > stable + 0.5%");
    assertThat(lines[5]).startsWith("p95_latency").contains("1840.0", "1910.0", "+3.8%", "57000", "3000");
    assertThat(lines[6]).startsWith("avg_cost").contains("0.0040", "0.0030", "-25.0%");
    assertThat(lines[7]).startsWith("error_rate").contains("0.0100", "0.0120", "+20.0%",
        "rollback if > 2x stable and > stable + 0.5%");
    assertThat(v.outcome()).isEqualTo(Outcome.REGRESSION);
  }
}
