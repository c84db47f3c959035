package io.llmcanary.core.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.chat.ChatModelException;
import io.llmcanary.core.chat.ChatResult;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.metrics.RequestMetrics;
import io.llmcanary.core.ports.JudgeModel;
import io.llmcanary.core.proxy.ChatModels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityJudgeRunTest {

  static final List<ChatMessage> CONVERSATION = List.of(new ChatMessage("user", "How do canary releases work?"));
  static final VersionSpec STABLE = new VersionSpec("m-s", "fake", "You are helpful.", List.of(), 0.7, 256);

  final List<RequestMetrics> recorded = new ArrayList<>();
  final List<String> shadowCalls = new ArrayList<>();
  ChatModels shadow = new ChatModels(Map.of("fake", r -> {
    shadowCalls.add(r.version().model());
    return new ChatResult("STABLE ANSWER", 1, 1, "stop");
  }));

  QualityJudgeRun run(JudgeModel judge) {
    return new QualityJudgeRun(judge, shadow, recorded::add, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
        Duration.ofSeconds(5));
  }

  static JudgeTask task(String mode, Variant v) {
    return new JudgeTask("req-1", "chat", "r-1", v, new QualityJudgeConfig(mode, 1.0, 10, null, null), CONVERSATION,
        "CANARY ANSWER", STABLE);
  }

  /** A judge that always prefers whatever it is shown first: pure position bias. */
  static final class FirstAlwaysWins implements JudgeModel {
    @Override public double grade(String rubric, List<ChatMessage> c, String a) { return 1; }
    @Override public Comparison compare(String rubric, List<ChatMessage> c, String first, String second) {
      return Comparison.FIRST;
    }
  }

  /** A judge that prefers the canary's answer wherever it is shown. */
  static final class PrefersCanary implements JudgeModel {
    @Override public double grade(String rubric, List<ChatMessage> c, String a) { return 1; }
    @Override public Comparison compare(String rubric, List<ChatMessage> c, String first, String second) {
      return first.equals("CANARY ANSWER") ? Comparison.FIRST : Comparison.SECOND;
    }
  }

  @Test
  void pairwiseAsksStableForAShadowAnswerAndRecordsCanarysPreference() {
    QualityJudgeRun.Outcome o = run(new PrefersCanary()).run(task("pairwise", Variant.CANARY));
    assertThat(o).isInstanceOf(QualityJudgeRun.Outcome.Graded.class);
    assertThat(shadowCalls).containsExactly("m-s");
    assertThat(recorded).singleElement().satisfies(m -> {
      assertThat(m.version()).isEqualTo(Variant.CANARY);
      assertThat(m.preference()).isEqualTo(1.0);
      assertThat(m.judgeScore()).isNull();
      assertThat(m.isJudgeOnly()).isTrue();
    });
  }

  @Test
  void aJudgeBiasedToThePositionAloneGivesATieBecauseBothOrdersAreAsked() {
    run(new FirstAlwaysWins()).run(task("pairwise", Variant.CANARY));
    assertThat(recorded).singleElement().extracting(RequestMetrics::preference).isEqualTo(0.5);
  }

  @Test
  void thePreferenceIsDecisiveOnlyWhenBothOrdersAgree() {
    assertThat(QualityJudgeRun.preference(JudgeModel.Comparison.FIRST, JudgeModel.Comparison.SECOND)).isEqualTo(1.0);
    assertThat(QualityJudgeRun.preference(JudgeModel.Comparison.SECOND, JudgeModel.Comparison.FIRST)).isEqualTo(0.0);
    assertThat(QualityJudgeRun.preference(JudgeModel.Comparison.TIE, JudgeModel.Comparison.SECOND)).isEqualTo(0.5);
    assertThat(QualityJudgeRun.preference(JudgeModel.Comparison.FIRST, JudgeModel.Comparison.FIRST)).isEqualTo(0.5);
  }

  @Test
  void absoluteModeRecordsTheGradeForTheAnswersOwnVersion() {
    run(new FirstAlwaysWins()).run(task("absolute", Variant.STABLE));
    assertThat(recorded).singleElement().satisfies(m -> {
      assertThat(m.version()).isEqualTo(Variant.STABLE);
      assertThat(m.judgeScore()).isEqualTo(1.0);
    });
    assertThat(shadowCalls).isEmpty();
  }

  @Test
  void aMalformedOrOutOfRangeGradeIsAJudgeErrorAndNeverAScore() {
    JudgeModel malformed = new JudgeModel() {
      @Override public double grade(String rubric, List<ChatMessage> c, String a) {
        throw new JudgeModelException("unparseable grade");
      }
      @Override public Comparison compare(String r, List<ChatMessage> c, String f, String s) { return Comparison.TIE; }
    };
    JudgeModel outOfRange = new JudgeModel() {
      @Override public double grade(String rubric, List<ChatMessage> c, String a) { return 7; }
      @Override public Comparison compare(String r, List<ChatMessage> c, String f, String s) { return Comparison.TIE; }
    };
    assertThat(run(malformed).run(task("absolute", Variant.CANARY))).isInstanceOf(QualityJudgeRun.Outcome.Failed.class);
    assertThat(run(outOfRange).run(task("absolute", Variant.CANARY)))
        .isInstanceOf(QualityJudgeRun.Outcome.Failed.class);
    assertThat(recorded).isEmpty();
  }

  @Test
  void aThrottledShadowAnswerIsARetryableFailureWithNoScore() {
    shadow = new ChatModels(Map.of("fake", r -> {
      throw new ChatModelException(ChatModelException.Kind.THROTTLED, "slow down");
    }));
    QualityJudgeRun.Outcome o = run(new PrefersCanary()).run(task("pairwise", Variant.CANARY));
    assertThat(o).isEqualTo(new QualityJudgeRun.Outcome.Failed("shadow stable answer: throttled", true));
    assertThat(recorded).isEmpty();
  }

  @Test
  void theHeuristicJudgeIsDeterministicAndPrefersTheAnswerThatTakesUpTheQuestion() {
    HeuristicJudge h = new HeuristicJudge();
    String onTopic = "Canary releases send a small share of traffic to the new version first.";
    String offTopic = "Ok.";
    assertThat(h.compare("", CONVERSATION, onTopic, offTopic)).isEqualTo(JudgeModel.Comparison.FIRST);
    assertThat(h.compare("", CONVERSATION, offTopic, onTopic)).isEqualTo(JudgeModel.Comparison.SECOND);
    assertThat(h.grade("", CONVERSATION, onTopic)).isEqualTo(1.0);
    assertThat(h.grade("", CONVERSATION, offTopic)).isEqualTo(0.0);
    assertThat(h.grade("", CONVERSATION, onTopic)).isEqualTo(h.grade("", CONVERSATION, onTopic));
  }
}
