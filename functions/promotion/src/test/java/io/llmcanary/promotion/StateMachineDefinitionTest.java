package io.llmcanary.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.Json;
import io.llmcanary.core.promotion.Next;
import io.llmcanary.core.promotion.PromotionRequest;
import io.llmcanary.core.promotion.StepResult;
import io.llmcanary.core.promotion.WorkflowRoutes;
import io.llmcanary.core.promotion.WorkflowRoutes.Action;
import io.llmcanary.core.promotion.WorkflowRoutes.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state machine definitions, checked as documents: the graph is closed and connected, every task retries
 * Lambda's service errors with backoff and catches everything, the terminal states are the named ones, each
 * payload carries only fields its action reads, and the promotion definition routes exactly as
 * {@link WorkflowRoutes} (which the in-process workflow and the simulator follow) says.
 */
class StateMachineDefinitionTest {

  static final Set<String> LAMBDA_SERVICE_ERRORS = Set.of("Lambda.ServiceException", "Lambda.AWSLambdaException",
      "Lambda.SdkClientException", "Lambda.TooManyRequestsException");

  static JsonNode definition(String file) throws Exception {
    return Json.MAPPER.readTree(Files.readString(Embedded.root().resolve("infrastructure/statemachine").resolve(file)));
  }

  private static Map<String, JsonNode> states(JsonNode def) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    def.path("States").properties().forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** Every state a state can go to: Next, Choices, Default, Catch. */
  private static Set<String> targets(JsonNode s) {
    Set<String> t = new TreeSet<>();
    if (s.hasNonNull("Next")) {
      t.add(s.get("Next").asText());
    }
    if (s.hasNonNull("Default")) {
      t.add(s.get("Default").asText());
    }
    s.path("Choices").forEach(c -> t.add(c.path("Next").asText()));
    s.path("Catch").forEach(c -> t.add(c.path("Next").asText()));
    return t;
  }

  @ParameterizedTest
  @ValueSource(strings = {"promotion.asl.json", "approve-promotion.asl.json"})
  void theGraphIsClosedConnectedAndEveryPathEnds(String file) throws Exception {
    JsonNode def = definition(file);
    Map<String, JsonNode> states = states(def);
    assertThat(states).containsKey(def.path("StartAt").asText());
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(def.path("StartAt").asText()));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name)) {
        continue;
      }
      JsonNode s = states.get(name);
      assertThat(s).as("state %s exists", name).isNotNull();
      String type = s.path("Type").asText();
      assertThat(type).as(name).isIn("Pass", "Task", "Choice", "Wait", "Succeed", "Fail");
      if (type.equals("Succeed") || type.equals("Fail")) {
        assertThat(targets(s)).as(name).isEmpty();
      } else if (type.equals("Choice")) {
        assertThat(s.hasNonNull("Default")).as("%s has a Default", name).isTrue();
      } else {
        assertThat(s.hasNonNull("Next") || s.path("End").asBoolean()).as("%s goes somewhere", name).isTrue();
      }
      for (String t : targets(s)) {
        assertThat(states).as("%s -> %s", name, t).containsKey(t);
        todo.push(t);
      }
    }
    assertThat(seen).as("every state is reachable").containsExactlyInAnyOrderElementsOf(states.keySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"promotion.asl.json", "approve-promotion.asl.json"})
  void everyTaskInvokesThePromotionFunctionRetriesServiceErrorsWithBackoffAndCatchesEverything(String file)
      throws Exception {
    for (Map.Entry<String, JsonNode> e : states(definition(file)).entrySet()) {
      JsonNode s = e.getValue();
      if (!s.path("Type").asText().equals("Task")) {
        continue;
      }
      String name = e.getKey();
      assertThat(s.path("Resource").asText()).as(name).startsWith("arn:aws:states:::lambda:invoke");
      assertThat(s.path("Parameters").path("FunctionName").asText()).as(name).isEqualTo("${PromotionFunctionArn}");
      JsonNode service = null;
      for (JsonNode r : s.path("Retry")) {
        Set<String> errors = new HashSet<>();
        r.path("ErrorEquals").forEach(x -> errors.add(x.asText()));
        if (errors.containsAll(LAMBDA_SERVICE_ERRORS)) {
          service = r;
        }
      }
      assertThat(service).as("%s retries Lambda's service errors", name).isNotNull();
      assertThat(service.path("BackoffRate").asDouble()).as(name).isGreaterThan(1.0);
      assertThat(service.path("MaxAttempts").asInt()).as(name).isGreaterThanOrEqualTo(3);
      JsonNode catches = s.path("Catch");
      assertThat(catches.size()).as("%s catches", name).isPositive();
      assertThat(catches.get(catches.size() - 1).path("ErrorEquals").get(0).asText()).as(name).isEqualTo("States.ALL");
    }
  }

  @Test
  void theTerminalStatesNameTheirCause() throws Exception {
    Map<String, JsonNode> states = states(definition("promotion.asl.json"));
    assertThat(states.get("Promoted").path("Type").asText()).isEqualTo("Succeed");
    // Rolled back and rejected are outcomes that paged already, not failures: only a real failure fails the
    // execution, which is what the workflow-failure alarm counts.
    for (String outcome : List.of("RolledBack", "Rejected")) {
      assertThat(states.get(outcome).path("Type").asText()).isEqualTo("Succeed");
      assertThat(states.get(outcome).path("Comment").asText()).isNotBlank();
    }
    assertThat(states.get("Failed").path("Type").asText()).isEqualTo("Fail");
    assertThat(states.get("Failed").path("Error").asText()).isEqualTo("Failed");
    assertThat(states.get("Failed").path("Cause").asText()).isNotBlank();
    Set<String> terminal = states.entrySet().stream()
        .filter(e -> Set.of("Succeed", "Fail").contains(e.getValue().path("Type").asText()))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    assertThat(terminal).containsExactlyInAnyOrder("Promoted", "RolledBack", "Rejected", "Failed");
  }

  @Test
  void stagesWaitADayByDefaultAndTheInputCanShortenIt() throws Exception {
    Map<String, JsonNode> states = states(definition("promotion.asl.json"));
    assertThat(states.get("LoadDefaults").path("Result").path("stageSeconds").asLong()).isEqualTo(86_400);
    assertThat(states.get("Settings").path("Parameters").path("settings.$").asText())
        .isEqualTo("States.JsonMerge($.defaults, $$.Execution.Input, false)");
    assertThat(states.get("WaitStage").path("SecondsPath").asText()).isEqualTo("$.settings.stageSeconds");
  }

  @Test
  void theApprovalTaskWaitsForItsTokenAndRoutesItsErrorsAsTheRoutesSay() throws Exception {
    JsonNode s = states(definition("promotion.asl.json")).get(State.AWAIT_APPROVAL.aslName());
    assertThat(s.path("Resource").asText()).isEqualTo("arn:aws:states:::lambda:invoke.waitForTaskToken");
    assertThat(s.path("Parameters").path("Payload").path("taskToken.$").asText()).isEqualTo("$$.Task.Token");
    assertThat(s.path("TimeoutSecondsPath").asText()).isEqualTo("$.settings.approvalTimeoutSeconds");
    assertThat(s.path("Next").asText()).isEqualTo(WorkflowRoutes.AFTER_APPROVAL.aslName());
    // A retrier matching task failures would retry a rejection or a rollback: only the invocation is retried.
    s.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(err ->
        assertThat(err.asText()).isIn(LAMBDA_SERVICE_ERRORS.toArray())));
    Map<String, String> catches = new HashMap<>();
    s.path("Catch").forEach(c -> catches.put(c.path("ErrorEquals").get(0).asText(), c.path("Next").asText()));
    Map<String, String> expected = new HashMap<>();
    WorkflowRoutes.APPROVAL_ERRORS.forEach((err, to) -> expected.put(err, to.aslName()));
    assertThat(catches).isEqualTo(expected);
  }

  @Test
  void everyChoiceRoutesItsActionsAnswersExactlyAsWorkflowRoutesSays() throws Exception {
    Map<String, JsonNode> states = states(definition("promotion.asl.json"));
    for (Action action : Action.values()) {
      JsonNode task = states.get(action.taskState().aslName());
      assertThat(task).as(action.name()).isNotNull();
      assertThat(task.path("Parameters").path("Payload").path("action").asText()).isEqualTo(action.wireName());
      if (action.choiceState() == null) {
        continue;
      }
      assertThat(task.path("Next").asText()).isEqualTo(action.choiceState());
      JsonNode choice = states.get(action.choiceState());
      Map<String, String> routes = new HashMap<>();
      choice.path("Choices").forEach(c -> {
        assertThat(c.path("Variable").asText()).isEqualTo("$.progress.next");
        routes.put(c.path("StringEquals").asText(), c.path("Next").asText());
      });
      Map<String, String> expected = new HashMap<>();
      WorkflowRoutes.routes(action).forEach((next, to) -> expected.put(next.name(), to.aslName()));
      assertThat(routes).as(action.choiceState()).isEqualTo(expected);
      assertThat(choice.path("Default").asText()).isEqualTo(WorkflowRoutes.UNEXPECTED_RESULT);
    }
    assertThat(states.get("WaitStage").path("Next").asText()).isEqualTo(WorkflowRoutes.AFTER_WAIT.aslName());
    assertThat(states.get("ReportFailure").path("Next").asText()).isEqualTo(WorkflowRoutes.AFTER_REPORT.aslName());
    assertThat(Arrays.stream(Next.values()).map(Next::name)).contains("WAIT", "FINALIZE");
  }

  @Test
  void everyTaskReadsBackExactlyTheFieldsTheFunctionAnswers() throws Exception {
    Set<String> answered = Arrays.stream(StepResult.class.getRecordComponents()).map(c -> c.getName())
        .collect(Collectors.toSet());
    answered.removeAll(Set.of("application", "rolloutId"));
    for (Map.Entry<String, JsonNode> e : states(definition("promotion.asl.json")).entrySet()) {
      JsonNode selector = e.getValue().path("ResultSelector");
      if (selector.isMissingNode()) {
        continue;
      }
      Set<String> read = new TreeSet<>();
      selector.properties().forEach(p -> {
        assertThat(p.getValue().asText()).isEqualTo("$.Payload." + p.getKey().replace(".$", ""));
        read.add(p.getKey().replace(".$", ""));
      });
      assertThat(read).as(e.getKey()).isEqualTo(answered);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"promotion.asl.json", "approve-promotion.asl.json"})
  void everyPayloadFieldIsOneItsActionReads(String file) throws Exception {
    Map<String, Class<?>> requests = Map.of(
        "apply-stage", PromotionRequest.ApplyStage.class, "gate", PromotionRequest.Gate.class,
        "request-approval", PromotionRequest.RequestApproval.class, "decide", PromotionRequest.Decide.class,
        "finalize", PromotionRequest.Finalize.class, "expire-approval", PromotionRequest.ExpireApproval.class);
    for (Map.Entry<String, JsonNode> e : states(definition(file)).entrySet()) {
      JsonNode payload = e.getValue().path("Parameters").path("Payload");
      if (payload.isMissingNode()) {
        continue;
      }
      String action = payload.path("action").asText();
      Set<String> fields = new TreeSet<>();
      payload.fieldNames().forEachRemaining(f -> fields.add(f.replace(".$", "")));
      fields.remove("action");
      if (action.equals("report-failure")) {
        assertThat(fields).containsExactlyInAnyOrder("application", "rolloutId", "failure", "executionArn");
        continue;
      }
      Set<String> components = Arrays.stream(requests.get(action).getRecordComponents()).map(c -> c.getName())
          .collect(Collectors.toSet());
      assertThat(components).as("%s reads %s", action, fields).containsAll(fields);
      assertThat(fields).as(e.getKey()).contains("rolloutId");
    }
  }

  @Test
  void approvePromotionTakesTheDocumentedInputAndFailsARefusalWithItsMessage() throws Exception {
    JsonNode def = definition("approve-promotion.asl.json");
    Map<String, JsonNode> states = states(def);
    JsonNode payload = states.get("Decide").path("Parameters").path("Payload");
    assertThat(payload.path("rolloutId.$").asText()).isEqualTo("$.request.rolloutId");
    assertThat(payload.path("decision.$").asText()).isEqualTo("$.request.decision");
    assertThat(payload.path("reason.$").asText()).isEqualTo("$.request.reason");
    // the execution, which the function looks up, not an actor field anyone who may invoke the function could write
    assertThat(payload.path("executionArn.$").asText()).isEqualTo("$$.Execution.Id");
    assertThat(payload.has("actor") || payload.has("actor.$")).isFalse();
    assertThat(states.get("Refused").path("CausePath").asText()).isEqualTo("$.result.message");
    assertThat(def.path("Comment").asText()).contains("{\"rolloutId\": \"...\", \"decision\": \"approve\" | \"reject\", \"reason\": \"...\"}");
    // a decision is not retried on its own failures: a second SendTaskSuccess would only meet a stale token
    states.get("Decide").path("Retry").forEach(r -> r.path("ErrorEquals").forEach(err ->
        assertThat(err.asText()).isIn(LAMBDA_SERVICE_ERRORS.toArray())));
  }
}
