package io.llmcanary.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.codec.EmfParser;
import io.llmcanary.codec.JudgeTaskCodec;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.codec.EmfEncoder;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.JudgeModel;
import io.llmcanary.core.proxy.ChatModels;
import io.llmcanary.core.qualityjudge.HeuristicJudge;
import io.llmcanary.core.qualityjudge.JudgeTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityJudgeHandlerTest {

  static final String QUESTION = "How do canary releases limit the blast radius?";
  static final String ANSWER = "Canary releases limit the blast radius by serving a small share of users first.";

  final List<String> out = new ArrayList<>();
  final Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  final EmfEncoder emf = new EmfEncoder(null);
  JudgeModel judge = new HeuristicJudge();
  ChatModels shadow = new ChatModels(Map.of("bedrock", r -> new ChatResult("Ok.", 1, 1, "stop")));

  QualityJudgeHandler handler() {
    QualityJudgeWiring w = new QualityJudgeWiring(model -> judge, shadow, m -> out.add(emf.encode(m)),
        new JudgeErrors(null, out::add, clock), clock, Duration.ofSeconds(5));
    return new QualityJudgeHandler(w);
  }

  static Map<String, Object> record(String id, String body) {
    return Map.of("messageId", id, "receiptHandle", "rh-" + id, "body", body, "eventSource", "aws:sqs");
  }

  static String task(String requestId, String mode, Variant v) {
    return JudgeTaskCodec.write(new JudgeTask(requestId, "chat", "r-1", v, new QualityJudgeConfig(mode, 1.0, 10,
        null, null), List.of(new ChatMessage("user", QUESTION)), ANSWER,
        new VersionSpec("m-s", "bedrock", "You are helpful.", List.of(), 0.7, 256)));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, String>> failures(Map<String, Object> response) {
    return (List<Map<String, String>>) response.get("batchItemFailures");
  }

  @Test
  void aBatchOfGoodTasksWritesOneLinePerGradedAnswerAndReportsNoFailure() {
    Map<String, Object> response = handler().handleRequest(Map.of("Records", List.of(
        record("m-1", task("req-1", "absolute", Variant.STABLE)),
        record("m-2", task("req-2", "pairwise", Variant.CANARY)))), null);

    assertThat(failures(response)).isEmpty();
    List<RequestMetrics> lines = out.stream().map(l -> EmfParser.parse(l).orElseThrow()).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).judgeScore()).isEqualTo(1.0);
    assertThat(lines.get(0).version()).isEqualTo(Variant.STABLE);
    // The heuristic prefers the canary's on-topic answer to the shadow's "Ok." in both orders.
    assertThat(lines.get(1).preference()).isEqualTo(1.0);
  }

  @Test
  void onlyRetryableFailuresAreReportedForRedeliveryAndEveryFailureIsCounted() {
    shadow = new ChatModels(Map.of("bedrock", r -> {
      throw new ChatModelException(ChatModelException.Kind.THROTTLED, "slow down");
    }));
    Map<String, Object> response = handler().handleRequest(Map.of("Records", List.of(
        record("m-ok", task("req-1", "absolute", Variant.CANARY)),
        record("m-throttled", task("req-2", "pairwise", Variant.CANARY)),
        record("m-garbage", "{\"not\":\"a task\"}"))), null);

    assertThat(failures(response)).containsExactly(Map.of("itemIdentifier", "m-throttled"));
    assertThat(out.stream().filter(l -> l.contains("\"JudgeErrors\":1"))).hasSize(2);
    assertThat(out.stream().filter(l -> l.contains("\"JudgeScore\":"))).hasSize(1);
  }

  @Test
  void aMalformedGradeIsCountedAndDroppedNotRetriedIntoAScore() {
    judge = new JudgeModel() {
      @Override public double grade(String r, List<ChatMessage> c, String a) {
        throw new JudgeModelException("malformed grade (12 characters)");
      }
      @Override public Comparison compare(String r, List<ChatMessage> c, String f, String s) {
        return Comparison.TIE;
      }
    };
    Map<String, Object> response = handler().handleRequest(Map.of("Records", List.of(
        record("m-1", task("req-1", "absolute", Variant.CANARY)))), null);
    assertThat(failures(response)).isEmpty();
    assertThat(out).singleElement().satisfies(l -> assertThat(l).contains("\"JudgeErrors\":1")
        .contains("malformed grade").doesNotContain("\"JudgeScore\""));
  }

  @Test
  void noOutputLineCarriesTheConversationOrTheAnswer() {
    shadow = new ChatModels(Map.of("bedrock", r -> {
      throw new ChatModelException(ChatModelException.Kind.ERROR, "boom");
    }));
    handler().handleRequest(Map.of("Records", List.of(record("m-1", task("req-1", "absolute", Variant.CANARY)),
        record("m-2", task("req-2", "pairwise", Variant.CANARY)), record("m-3", "{" + QUESTION))), null);
    assertThat(out).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain("canary releases")
        .doesNotContain("blast radius").doesNotContain("You are helpful"));
  }

  @Test
  void anEventWithoutRecordsIsAnEmptyBatch() {
    assertThat(failures(handler().handleRequest(Map.of(), null))).isEmpty();
  }
}
