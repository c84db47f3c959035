package io.llmcanary.core.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.config.Guardrails;
import io.llmcanary.core.judge.JudgeInput;
import io.llmcanary.core.judge.MetricRow;
import io.llmcanary.core.judge.Outcome;
import io.llmcanary.core.judge.Verdict;
import io.llmcanary.core.metrics.VersionStats;
import io.llmcanary.core.metrics.WindowStats;
import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.StagePlan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackAlertTest {

  static final Instant START = Instant.parse("2026-11-26T09:00:00Z");
  static final Instant AT = Instant.parse("2026-11-26T15:15:00Z");

  Alert alert(OperatorCommands commands) {
    RolloutState s = RolloutState.start("chat-api", "concise-2026-11-26", StagePlan.DEFAULT, START, "arn");
    MetricRow q = new MetricRow(io.llmcanary.core.judge.Metric.QUALITY, 0.85, 0.68, -20.0, "canary >= 90% of stable", Outcome.REGRESSION, 900,
        60, "one-sided test, p < alpha spent so far");
    MetricRow e = new MetricRow(io.llmcanary.core.judge.Metric.ERROR_RATE, 0.01, 0.011, 10.0, "canary <= 2x stable", Outcome.HEALTHY, 3000, 160,
        "");
    Verdict v = new Verdict(Outcome.REGRESSION, Verdict.Kind.ROLLBACK_CHECK, List.of(q, e), "avg_quality 20% lower");
    WindowStats stage = new WindowStats(START, AT, new VersionStats(3000, 30, 12, 900, 765, 2000, List.of()),
        new VersionStats(160, 2, 0.6, 60, 40.8, 2100, List.of()));
    WindowStats recent = new WindowStats(AT.minusSeconds(3600), AT, new VersionStats(500, 5, 2, 150, 127, 2000,
        List.of()), new VersionStats(26, 0, 0.1, 8, 5, 2000, List.of()));
    return RollbackAlert.compose(s, v, new JudgeInput(stage, recent), Guardrails.defaults(), AT, commands);
  }

  @Test
  void subjectNamesApplicationRolloutAndFailingMetric() {
    Alert a = alert(OperatorCommands.local());
    assertThat(a.subject()).isEqualTo("ROLLED BACK chat-api/concise-2026-11-26: avg_quality -20.0% vs stable");
    assertThat(a.subject().length()).isLessThanOrEqualTo(100);
    assertThat(a.kind()).isEqualTo(Alert.Kind.ROLLBACK);
  }

  @Test
  void bodyCarriesEvidenceTimeThresholdsAndCommands() {
    Alert a = alert(new OperatorCommands("llm-canary-health", "eu-west-1", "llm-canary", "abc1234", "def5678"));
    String b = a.body();
    assertThat(b).contains("Detected at:    2026-11-26T15:15:00Z");
    assertThat(b).contains("avg_quality").contains("error_rate").contains("n(canary)");
    assertThat(b).contains("since stage start  stable 3000 requests, 30 errors, 900 quality ratings; canary 160");
    assertThat(b).contains("last hour");
    assertThat(b).contains("canary < 90% of stable").contains("over at least 20 requests");
    assertThat(b).contains("./canaryctl status concise-2026-11-26 --stack llm-canary");
    assertThat(b).contains("aws lambda invoke --function-name llm-canary-health --region eu-west-1");
    assertThat(b).contains("{\"application\":\"chat-api\",\"rolloutId\":\"concise-2026-11-26\"}");
    assertThat(b).contains("aws appconfig list-deployments --application-id abc1234 --environment-id def5678");
    assertThat(b).contains("6h 15m");
  }

  @Test
  void progressGoesOnTop() {
    Alert a = RollbackAlert.withProgress(alert(OperatorCommands.local()), List.of("one", "two"));
    assertThat(a.body()).startsWith("Status\n  1. one\n  2. two\n\nThe health check found");
  }

  @Test
  void longSubjectsAreCut() {
    MetricRow r = new MetricRow(io.llmcanary.core.judge.Metric.QUALITY, 1, 0.5, -50, "t", Outcome.REGRESSION, 1, 1, "");
    String s = RollbackAlert.subject("a".repeat(60), "r".repeat(60), r);
    assertThat(s).hasSize(100).endsWith("...");
  }
}
