package io.llmcanary.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogLinesTest {

  static final String EMF = "{\"_aws\":{\"Timestamp\":1796176242039,\"CloudWatchMetrics\":[{\"Namespace\":\"LlmCanary\","
      + "\"Dimensions\":[[\"Application\",\"Version\"]],\"Metrics\":[{\"Name\":\"Requests\",\"Unit\":\"Count\"}]}]},"
      + "\"Application\":\"a\",\"Version\":\"canary\",\"Requests\":1}";

  @Test
  void aBareEmfObjectPassesAndIsFoundAsEmf() {
    assertThat(LogLines.emfViolations(List.of(EMF))).isEmpty();
    assertThat(LogLines.emf(List.of(EMF, "{\"level\":\"INFO\"}"))).hasSize(1);
  }

  @Test
  void anEmfObjectWrappedByALoggerOrPrefixedWithTextIsFlagged() {
    String wrapped = "{\"level\":\"INFO\",\"message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(EMF) + "}";
    String prefixed = "2026-12-02T01:50:42Z INFO " + EMF;
    assertThat(LogLines.emfViolations(List.of(wrapped, prefixed)))
        .satisfiesExactly(w -> assertThat(w).startsWith("no top-level _aws"), p -> assertThat(p).startsWith("not a bare"));
  }

  @Test
  void aMetricOrDimensionMissingAtTheTopLevelIsFlagged() {
    assertThat(LogLines.emfViolations(List.of(EMF.replace("\"Requests\":1", "\"Requests\":\"1\""))))
        .singleElement().asString().startsWith("metric Requests");
    assertThat(LogLines.emfViolations(List.of(EMF.replace("\"Version\":\"canary\",", ""))))
        .singleElement().asString().startsWith("dimension Version");
    assertThat(LogLines.emfViolations(List.of(EMF.replace("1796176242039", "\"now\""))))
        .singleElement().asString().startsWith("_aws.Timestamp");
  }

  @Test
  void linesThatAreNotOneJsonObjectAreListed() {
    assertThat(LogLines.notJsonObjects(List.of("{\"a\":1}", "", "plain text", "[1,2]", "{\"a\":1} trailing")))
        .containsExactly("plain text", "[1,2]", "{\"a\":1} trailing");
  }
}
