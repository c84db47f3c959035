package io.llmcanary.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The template's trust boundaries (docs/architecture.md#security-and-trust-boundaries): who may use the rollout routes, the two-person rule, the watchdogs'
 * reserved concurrency, the protected audit trail and the Bedrock allow-list. Short-form tags read as their
 * arguments: {@code !If [C, A, B]} is the array [C, A, B], {@code !Ref X} the text X.
 */
class TrustBoundariesTemplateTest {

  private final JsonNode template = Repo.template();

  private JsonNode resource(String id) {
    JsonNode r = template.path("Resources").path(id);
    assertThat(r.isMissingNode()).as("resource %s", id).isFalse();
    return r;
  }

  private JsonNode parameter(String name) {
    JsonNode p = template.path("Parameters").path(name);
    assertThat(p.isMissingNode()).as("parameter %s", name).isFalse();
    return p;
  }

  private JsonNode env(String function) {
    return resource(function).path("Properties").path("Environment").path("Variables");
  }

  /** Every statement of every inline policy of every IAM role, with the role's id. */
  private List<Map.Entry<String, JsonNode>> statements() {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    Repo.resources(template, "AWS::IAM::Role").forEach((id, role) -> role.path("Properties").path("Policies")
        .forEach(p -> p.path("PolicyDocument").path("Statement").forEach(s -> out.add(Map.entry(id, s)))));
    return out;
  }

  private static List<String> actions(JsonNode statement) {
    JsonNode a = statement.path("Action");
    List<String> out = new ArrayList<>();
    if (a.isArray()) {
      a.forEach(x -> out.add(x.asText()));
    } else {
      out.add(a.asText());
    }
    return out;
  }

  @Test
  void theOperatorParametersReachThePromotionFunctionUnderTheNamesItReads() {
    assertThat(parameter("OperatorPrincipals").path("Type").asText()).isEqualTo("CommaDelimitedList");
    assertThat(parameter("OperatorPrincipals").path("Default").asText()).isEmpty();
    JsonNode separate = parameter("RequireSeparateApprover");
    assertThat(separate.path("Default").asText()).isEqualTo("false");
    assertThat(separate.path("AllowedValues").toString()).isEqualTo("[\"true\",\"false\"]");

    JsonNode env = env("PromotionFunction");
    assertThat(env.path("CANARY_OPERATOR_PRINCIPALS").toString()).isEqualTo("[\",\",\"OperatorPrincipals\"]");
    assertThat(env.path("CANARY_REQUIRE_SEPARATE_APPROVER").asText()).isEqualTo("RequireSeparateApprover");
    String wiring = Repo.read(Repo.root().resolve(
        "functions/promotion/src/main/java/io/llmcanary/promotion/PromotionWiring.java"));
    assertThat(wiring).contains("\"CANARY_OPERATOR_PRINCIPALS\"").contains("\"CANARY_REQUIRE_SEPARATE_APPROVER\"");
  }

  @Test
  void theOperatorsPolicyGrantsOnlyTheRolloutRoutesAndOnlyToTheListedPrincipals() {
    JsonNode policy = resource("RolloutOperatorsPolicy");
    assertThat(policy.path("Type").asText()).isEqualTo("AWS::IAM::ManagedPolicy");
    JsonNode statements = policy.path("Properties").path("PolicyDocument").path("Statement");
    assertThat(statements.size()).isEqualTo(1);
    JsonNode s = statements.get(0);
    assertThat(s.path("Effect").asText()).isEqualTo("Allow");
    assertThat(actions(s)).containsExactly("execute-api:Invoke");
    assertThat(s.path("Resource")).hasSize(2).allSatisfy(r -> assertThat(r.asText()).contains("${HttpApi}/*/*/rollouts")
        .doesNotContain("chat").doesNotContain("feedback"));
    JsonNode condition = s.path("Condition");
    assertThat(condition.get(0).asText()).isEqualTo("HasOperatorPrincipals");
    assertThat(condition.get(1).path("ArnLike").path("aws:PrincipalArn").asText()).isEqualTo("OperatorPrincipals");
    assertThat(condition.get(2).asText()).isEqualTo("AWS::NoValue");
    assertThat(template.path("Conditions").path("HasOperatorPrincipals").toString()).contains("OperatorPrincipals");
    assertThat(template.path("Outputs").path("RolloutOperatorsPolicyArn").path("Value").asText())
        .isEqualTo("RolloutOperatorsPolicy");
  }

  @Test
  void theAccessLogRecordsTheSigningPrincipalAndStaysJson() throws Exception {
    String format = resource("HttpApiStage").path("Properties").path("AccessLogSettings").path("Format").asText();
    JsonNode line = Repo.JSON.readTree(format);
    assertThat(line.path("caller").asText()).isEqualTo("$context.identity.userArn");
    assertThat(format).doesNotContain("claims"); // a JWT's subject is a user id: not in the access log
  }

  @Test
  void theWatchdogsReserveConcurrencyUnlessTheParameterIsZero() {
    for (String[] f : new String[][] {{"HealthCheckFunction", "HealthCheckReservedConcurrency",
        "ReservesHealthCheckConcurrency"}, {"PromotionFunction", "PromotionReservedConcurrency",
        "ReservesPromotionConcurrency"}}) {
      JsonNode reserved = resource(f[0]).path("Properties").path("ReservedConcurrentExecutions");
      assertThat(reserved.toString()).as(f[0]).isEqualTo("[\"" + f[2] + "\",\"" + f[1] + "\",\"AWS::NoValue\"]");
      assertThat(parameter(f[1]).path("Default").asInt()).as(f[1]).isPositive();
      assertThat(parameter(f[1]).path("MinValue").asInt()).isZero();
      assertThat(template.path("Conditions").path(f[2]).toString()).as(f[2]).contains(f[1]).contains("0");
      // the checkov skip that said "no concurrency is reserved" is gone with the reason
      assertThat(resource(f[0]).path("Metadata").path("checkov").path("skip").toString()).doesNotContain("CKV_AWS_115");
    }
  }

  @Test
  void noRoleCanDeleteAnAuditItemOnlyApplicationClaims() {
    String store = Repo.read(Repo.root().resolve("functions/aws/src/main/java/io/llmcanary/aws/DynamoDbRolloutStore.java"));
    assertThat(store).as("claims live under APP#, state and audit under ROLLOUT#").contains("\"APP#\"")
        .contains("ROLLOUT#");
    List<Map.Entry<String, JsonNode>> deleting = statements().stream()
        .filter(e -> actions(e.getValue()).stream().anyMatch(a -> a.equals("dynamodb:DeleteItem") || a.equals("dynamodb:*")
            || a.equals("dynamodb:BatchWriteItem")))
        .toList();
    assertThat(deleting).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("HealthCheckRole", "PromotionRole");
    deleting.forEach(e -> {
      JsonNode s = e.getValue();
      assertThat(actions(s)).as(e.getKey()).containsExactly("dynamodb:DeleteItem");
      JsonNode keys = s.path("Condition").path("ForAllValues:StringLike").path("dynamodb:LeadingKeys");
      assertThat(keys.isArray() && keys.size() > 0).as("%s: DeleteItem conditioned on dynamodb:LeadingKeys", e.getKey())
          .isTrue();
      keys.forEach(k -> assertThat(k.asText()).as(e.getKey()).startsWith("APP#"));
    });
    JsonNode table = resource("RolloutTable");
    assertThat(table.path("Properties").path("DeletionProtectionEnabled").asBoolean()).isTrue();
    assertThat(table.path("DeletionPolicy").asText()).isEqualTo("Retain");
  }

  @Test
  void bedrockInvocationsOfRolloutModelsAreScopedByTheAllowList() {
    assertThat(parameter("BedrockModelIds").path("Default").asText()).isEqualTo("*");
    assertThat(template.path("Conditions").path("AnyBedrockModel").toString()).contains("BedrockModelIds");
    List<Map.Entry<String, JsonNode>> invoking = statements().stream()
        .filter(e -> actions(e.getValue()).stream().anyMatch(a -> a.startsWith("bedrock:")))
        .filter(e -> !e.getValue().path("Sid").asText().equals("TheJudgeModel")) // one fixed model, named
        .toList();
    assertThat(invoking).extracting(e -> e.getValue().path("Sid").asText())
        .containsExactlyInAnyOrder("BedrockConverse", "ShadowStableAnswers");
    invoking.forEach(e -> {
      JsonNode resource = e.getValue().path("Resource");
      assertThat(resource.get(0).asText()).as(e.getKey()).isEqualTo("AnyBedrockModel");
      assertThat(resource.get(2).toString()).as(e.getKey()).contains("BedrockModelIds").contains("foundation-model/")
          .contains("inference-profile/");
    });
  }

  @Test
  void thePromotionFunctionMayLookUpOnlyApprovePromotionExecutions() {
    JsonNode describe = statements().stream().filter(e -> actions(e.getValue()).contains("states:DescribeExecution"))
        .map(Map.Entry::getValue).reduce((a, b) -> {
          throw new AssertionError("one DescribeExecution statement, in the promotion role");
        }).orElseThrow();
    assertThat(describe.path("Resource").asText())
        .endsWith(":execution:${AWS::StackName}-ApprovePromotion:*");
    assertThat(resource("ApprovePromotionStateMachine").path("Properties").path("Name").asText())
        .isEqualTo("${AWS::StackName}-ApprovePromotion");
  }

  @Test
  void theFeedbackSecretReachesTheProxyAsAnArnItMayReadNeverAsAValue() {
    JsonNode proxyEnv = env("ChatProxyFunction");
    assertThat(proxyEnv.path("CANARY_SECRET_ARN").asText()).isEqualTo("FeedbackSecret");
    assertThat(proxyEnv.has("CANARY_SECRET")).isFalse();
    assertThat(proxyEnv.has("CANARY_SECRET_PREVIOUS")).isFalse();
    Repo.resources(template, "AWS::Serverless::Function").forEach((id, fn) -> assertThat(
        fn.path("Properties").path("Environment").toString()).as(id).doesNotContain("resolve:secretsmanager"));
    List<JsonNode> reads = statements().stream().filter(e -> actions(e.getValue()).stream()
        .anyMatch(a -> a.startsWith("secretsmanager:"))).map(e -> {
          assertThat(e.getKey()).isEqualTo("ChatProxyRole");
          return e.getValue();
        }).toList();
    assertThat(reads).singleElement().satisfies(s -> {
      assertThat(actions(s)).containsExactly("secretsmanager:GetSecretValue");
      assertThat(s.path("Resource").asText()).isEqualTo("FeedbackSecret");
    });
    String wiring = Repo.read(Repo.root().resolve(
        "functions/chat-proxy/src/main/java/io/llmcanary/proxy/ChatProxyWiring.java"));
    assertThat(wiring).contains("\"CANARY_SECRET_ARN\"");
  }

  @Test
  void theStackOffersOnlyProvidersItsProxyHasWiredAndThePromotionFunctionKnowsThem() {
    JsonNode proxyEnv = env("ChatProxyFunction");
    List<String> wired = List.of(env("PromotionFunction").path("CANARY_PROVIDERS").asText().split(","));
    assertThat(wired).contains("bedrock", "offline");
    assertThat(wired.contains("openai")).as("openai is wired iff the proxy has an OPENAI_BASE_URL")
        .isEqualTo(proxyEnv.has("OPENAI_BASE_URL"));
    parameter("StableProvider").path("AllowedValues").forEach(v -> assertThat(wired).contains(v.asText()));
  }
}
