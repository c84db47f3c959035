package io.llmcanary.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmcanary.codec.JudgeTaskCodec;
import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import io.llmcanary.core.config.VersionSpec;
import io.llmcanary.core.qualityjudge.JudgeTask;
import io.llmcanary.testing.Java21;
import io.llmcanary.testing.LambdaJavaRuntime;
import io.llmcanary.testing.LogLines;
import io.llmcanary.testing.RuntimeApiServer;
import io.llmcanary.testing.TemplateFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The quality-judge jar the way Lambda's java21 runtime runs it: unpacked into a task root under AWS's runtime
 * interface client on Java 21, with the handler, memory, JVM options, log format and variables of
 * {@code QualityJudgeFunction} in template.yaml, fed an SQS batch in the shape `sam local generate-event` writes
 * ({@code events/sam/sqs-quality-judge.json}) through the runtime's own deserialisation. The tasks name the offline
 * judge and an offline stable, so no model is called.
 */
class QualityJudgeUnderRuntimeClientIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path JAR = Path.of("target", "canary-quality-judge-lambda.jar");
  static final String QUESTION = "How do canary releases limit the blast radius of a change?";
  static final String ANSWER = "A canary release serves a change to a small share of users first, so a bad change"
      + " reaches few of them before it is rolled back.";

  static LambdaJavaRuntime start(String name) {
    assertThat(JAR).exists();
    Map<String, String> v = new HashMap<>(TemplateFunction.of("QualityJudgeFunction").environment(Map.of(
        "CANARY_METRICS_NAMESPACE", "LlmCanaryRuntimeClientIT", "CANARY_APPLICATION", "default")));
    v.put("AWS_REGION", "us-east-1");
    v.put("AWS_DEFAULT_REGION", "us-east-1");
    // No credentials are needed: every task names the offline judge; a stray Bedrock call would fail here.
    v.put("BEDROCK_ENDPOINT_URL", "http://127.0.0.1:9");
    return LambdaJavaRuntime.start(LambdaJavaRuntime.Spec.of(name, JAR, TemplateFunction.of("QualityJudgeFunction"),
        v, Path.of("target", "runtime-client", name)));
  }

  static String task(String requestId, String mode, Variant version) {
    return JudgeTaskCodec.write(new JudgeTask(requestId, "support-chat", "concise-ric", version,
        new QualityJudgeConfig(mode, 1.0, 100, "offline", null), List.of(new ChatMessage("user", QUESTION)), ANSWER,
        new VersionSpec("offline-model", "offline", "You are helpful.", List.of(), 0.7, 256)));
  }

  @Test
  void gradesAnSqsBatchReportsOnlyRetryableFailuresAndLogsBareEmfWithoutText() throws Exception {
    ObjectNode sam = (ObjectNode) JSON.readTree(Files.readString(Java21.root().resolve(
        "events/sam/sqs-quality-judge.json")));
    JsonNode unreadable = sam.get("Records").get(0);
    ArrayNode records = JSON.createArrayNode();
    records.add(unreadable); // as SAM wrote it: "not a judge task"
    records.add(((ObjectNode) unreadable.deepCopy()).put("messageId", "m-absolute")
        .put("body", task("req-abs", "absolute", Variant.STABLE)));
    records.add(((ObjectNode) unreadable.deepCopy()).put("messageId", "m-pairwise")
        .put("body", task("req-pair", "pairwise", Variant.CANARY)));
    ObjectNode batch = JSON.createObjectNode().set("Records", records);

    try (LambdaJavaRuntime runtime = start("llm-canary-quality-judge")) {
      RuntimeApiServer.Outcome outcome = runtime.invoke(batch.toString());

      assertThat(outcome).as(outcome.body() + "\n" + runtime.output()).isInstanceOf(RuntimeApiServer.Response.class);
      // The unreadable message is counted and dropped (redelivering it would never help): no failure reported.
      assertThat(JSON.readTree(outcome.body()).get("batchItemFailures")).as(outcome.body()).isEmpty();
      List<String> lines = runtime.stdoutLines();
      assertThat(LogLines.notJsonObjects(lines)).as(runtime.output()).isEmpty();
      assertThat(LogLines.emfViolations(lines)).as(runtime.output()).isEmpty();
      List<JsonNode> emf = LogLines.emf(lines);
      assertThat(emf).anySatisfy(l -> assertThat(l.has("JudgeScore")).isTrue());
      assertThat(emf).anySatisfy(l -> assertThat(l.has("Preference")).isTrue());
      assertThat(emf).anySatisfy(l -> assertThat(l.path("JudgeErrors").asInt()).isEqualTo(1));
      // The conversation and the answer are content, not log material.
      List<String> output = Stream.concat(lines.stream(), runtime.stderr().lines()).toList();
      assertThat(LogLines.containing(output, QUESTION)).isEmpty();
      assertThat(LogLines.containing(output, ANSWER)).isEmpty();
      assertThat(LogLines.containing(output, "not a judge task")).isEmpty();
      assertThat(runtime.nativeClientLoaded()).hasValue(true);
    }
  }
}
