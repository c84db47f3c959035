package io.llmcanary.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmcanary.codec.RolloutConfigCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** template.yaml agrees with the code and files it names. */
class TemplateConsistencyTest {

  private final JsonNode template = Repo.template();
  private final Path root = Repo.root();

  /** Every function's handler is a class with that method in the module its CodeUri names, and make can build it. */
  @TestFactory
  Stream<DynamicTest> everyHandlerExistsAndHasABuildTarget() {
    String makefile = Repo.read(root.resolve("infrastructure/make/Makefile"));
    List<String> modules = Repo.reactorModules();
    return Repo.resources(template, "AWS::Serverless::Function").entrySet().stream().map(e ->
        DynamicTest.dynamicTest(e.getKey(), () -> {
          JsonNode props = e.getValue().path("Properties");
          String codeUri = props.path("CodeUri").asText();
          String handler = props.path("Handler").asText();
          assertThat(e.getValue().path("Metadata").path("BuildMethod").asText()).isEqualTo("makefile");
          assertThat(makefile).as("infrastructure/make/Makefile target for %s", e.getKey())
              .containsPattern("(?m)^build-" + Pattern.quote(e.getKey()) + ":\\s*\\n\\t\\$\\(call build_function,"
                  + Pattern.quote(codeUri) + "\\)");
          assumeTrue(modules.contains(codeUri), () -> e.getKey() + ": module " + codeUri
              + " is not in the Maven build (root pom.xml <modules>) yet; its handler is checked once it is");
          Matcher m = Pattern.compile("^([\\w.]+)\\.(\\w+)::(\\w+)$").matcher(handler);
          assertThat(m.matches()).as("handler '%s' of %s has the form package.Class::method", handler, e.getKey())
              .isTrue();
          Path source = root.resolve(codeUri).resolve("src/main/java")
              .resolve(m.group(1).replace('.', '/')).resolve(m.group(2) + ".java");
          assertThat(source).as("class of handler %s", handler).isRegularFile();
          assertThat(Repo.read(source)).as("%s", source)
              .containsPattern("\\bclass\\s+" + m.group(2) + "\\b")
              .containsPattern("\\b" + m.group(3) + "\\s*\\(");
        }));
  }

  /**
   * The AppConfig JSON_SCHEMA validator holds the schema inline (CloudFormation cannot read a local file); it must
   * be the schema file, character for character, so AppConfig and the code validate alike.
   */
  @Test
  void inlineValidatorSchemaIsTheSchemaFile() {
    Path file = root.resolve("infrastructure/appconfig/rollout-config.schema.json");
    String expected = Repo.read(file);
    JsonNode validators = template.path("Resources").path("RolloutConfigProfile").path("Properties").path("Validators");
    assertThat(validators.size()).isEqualTo(1);
    assertThat(validators.get(0).path("Type").asText()).isEqualTo("JSON_SCHEMA");
    String inline = validators.get(0).path("Content").asText();
    String block = expected.lines().map(l -> l.isEmpty() ? l : "            " + l)
        .reduce((a, b) -> a + "\n" + b).orElse("");
    assertThat(inline).as("RolloutConfigProfile's validator differs from %s. Paste this after"
        + " 'Content: |' in template.yaml:%n%s%n", file, block).isEqualTo(expected);
    // AppConfig's limit for a validator's content.
    assertThat(inline.length()).isLessThanOrEqualTo(32768);
  }

  /** The stack's first config (stable only, canary 0%) passes the codec the proxy uses, schema and rules. */
  @Test
  void initialRolloutConfigIsValidWithTheDefaultParameters() {
    String content = template.path("Resources").path("InitialRolloutConfig").path("Properties").path("Content")
        .asText();
    JsonNode params = template.path("Parameters");
    Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9]+)}").matcher(content);
    StringBuilder rendered = new StringBuilder();
    while (m.find()) {
      JsonNode p = params.path(m.group(1));
      assertThat(p.has("Default")).as("parameter %s used by the initial config has a default", m.group(1)).isTrue();
      m.appendReplacement(rendered, Matcher.quoteReplacement(p.path("Default").asText()));
    }
    m.appendTail(rendered);
    RolloutConfigCodec.Parsed parsed = RolloutConfigCodec.parse(rendered.toString());
    assertThat(parsed).as("initial config:%n%s%n%s", rendered,
        parsed instanceof RolloutConfigCodec.Parsed.Invalid i ? i.summary() : "")
        .isInstanceOf(RolloutConfigCodec.Parsed.Valid.class);
    var config = ((RolloutConfigCodec.Parsed.Valid) parsed).config();
    assertThat(config.canaryPercent()).isZero();
    assertThat(config.versions()).doesNotContainKey("canary");
  }

  /** The schedule's input is the sample event of the health check, so local invokes see what Lambda sees. */
  @Test
  void scheduleInputIsTheSampleEvent() throws IOException {
    JsonNode input = Repo.JSON.readTree(template.path("Resources").path("HealthCheckFunction").path("Properties")
        .path("Events").path("Every15Minutes").path("Properties").path("Input").asText());
    assertThat(input).isEqualTo(Repo.JSON.readTree(root.resolve("events/health-check-scheduled.json").toFile()));
  }

  @TestFactory
  Stream<DynamicTest> everySampleEventIsJson() throws IOException {
    // Chat proxy events sit in events/ itself, the other functions' in events/<function>/.
    try (Stream<Path> files = Files.walk(root.resolve("events"), 2)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream()
          .map(p -> DynamicTest.dynamicTest(root.resolve("events").relativize(p).toString(), () -> {
            try {
              Repo.JSON.readTree(p.toFile());
            } catch (IOException e) {
              throw new AssertionError(p + " is not valid JSON: " + e.getMessage(), e);
            }
          }));
    }
  }

  /**
   * Every route of the API has a sample event: an API Gateway payload 2.0 whose method and rawPath the route
   * matches ({rolloutId} matching one path segment), whatever routeKey the sample spells out.
   */
  @TestFactory
  Stream<DynamicTest> everyRouteHasASampleEvent() throws IOException {
    java.util.Set<String> requests = new java.util.TreeSet<>();
    try (Stream<Path> files = Files.walk(root.resolve("events"), 2)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonNode e = Repo.JSON.readTree(p.toFile());
        String method = e.path("requestContext").path("http").path("method").asText("");
        if (!method.isEmpty()) {
          requests.add(method + " " + e.path("rawPath").asText(""));
        }
      }
    }
    List<String> modules = Repo.reactorModules();
    return Repo.resources(template, "AWS::ApiGatewayV2::Route").values().stream().map(r -> {
      String routeKey = r.path("Properties").path("RouteKey").asText();
      return DynamicTest.dynamicTest(routeKey, () -> {
        Pattern route = Pattern.compile(Pattern.quote(routeKey).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q"));
        boolean sampled = requests.stream().anyMatch(q -> route.matcher(q).matches());
        String integration = r.path("Properties").path("Target").asText().replace("integrations/", "")
            .replace("${", "").replace("}", "");
        // IntegrationUri is !Ref Function.Alias or !GetAtt Function.Arn: the function is what precedes the dot.
        String function = template.path("Resources").path(integration).path("Properties").path("IntegrationUri")
            .asText().replaceAll("\\..*", "");
        String codeUri = template.path("Resources").path(function).path("Properties").path("CodeUri").asText();
        assertThat(codeUri).as("function behind route %s", routeKey).isNotBlank();
        assumeTrue(sampled || modules.contains(codeUri), () -> routeKey + ": " + codeUri
            + " is not in the Maven build yet; its sample events come with it");
        assertThat(sampled).as("a sample event under events/ for route %s (method and path of: %s)", routeKey,
            requests).isTrue();
      });
    });
  }

  /** Every route of the API reaches a function through an integration, and is authenticated. */
  @Test
  void everyRouteIsAuthenticated() {
    Map<String, JsonNode> routes = Repo.resources(template, "AWS::ApiGatewayV2::Route");
    assertThat(routes).isNotEmpty();
    routes.forEach((id, r) -> {
      JsonNode props = r.path("Properties");
      assertThat(props.path("Target").asText()).as("%s target", id).startsWith("integrations/");
      String auth = props.path("AuthorizationType").toString();
      assertThat(auth).as("%s authorization", id).contains("AWS_IAM").doesNotContain("NONE");
    });
  }

  // --- trust boundaries of the chat proxy ---------------------------------------------------------
  // Short forms parse with their tag dropped: !If [C, a, b] is [C, a, b], !Ref X is X, !GetAtt X.Arn is X.Arn.

  private JsonNode chatProxyEnv() {
    return template.path("Resources").path("ChatProxyFunction").path("Properties").path("Environment")
        .path("Variables");
  }

  /** The user comes from the identity the API authenticates: the same UseJwt condition picks both. */
  @Test
  void theChatProxysUserIdentityFollowsTheApisAuthMode() {
    assertThat(template.path("Conditions").has("UseJwt")).isTrue();
    assertThat(chatProxyEnv().path("CANARY_USER_IDENTITY").toString()).isEqualTo("[\"UseJwt\",\"jwt:sub\",\"iam\"]");
    Repo.resources(template, "AWS::ApiGatewayV2::Route").forEach((id, r) -> {
      String target = r.path("Properties").path("Target").asText();
      if (target.contains("ChatProxyIntegration")) {
        assertThat(r.path("Properties").path("AuthorizationType").toString()).as("%s", id)
            .isEqualTo("[\"UseJwt\",\"JWT\",\"AWS_IAM\"]");
      }
    });
  }

  /** A token counts once across containers: the ledger table, its TTL, and only the writes the proxy makes. */
  @Test
  void theFeedbackLedgerIsATableWithATtlThatTheChatProxyCanOnlyPutAndUpdate() {
    JsonNode table = template.path("Resources").path("FeedbackLedgerTable");
    assertThat(table.path("Type").asText()).isEqualTo("AWS::DynamoDB::Table");
    JsonNode props = table.path("Properties");
    assertThat(props.path("KeySchema").toString()).isEqualTo("[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]");
    assertThat(props.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo("expiresAt");
    assertThat(props.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    assertThat(props.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
    assertThat(chatProxyEnv().path("CANARY_FEEDBACK_TABLE").asText()).isEqualTo("FeedbackLedgerTable");

    List<JsonNode> onTheTable = new java.util.ArrayList<>();
    template.path("Resources").path("ChatProxyRole").path("Properties").path("Policies").forEach(p ->
        p.path("PolicyDocument").path("Statement").forEach(st -> {
          if (st.path("Resource").toString().contains("FeedbackLedgerTable")) {
            onTheTable.add(st);
          }
          assertThat(st.path("Resource").toString()).as("the chat proxy touches no rollout or audit item")
              .doesNotContain("RolloutTable");
        }));
    assertThat(onTheTable).singleElement().satisfies(st ->
        assertThat(st.path("Action").toString()).isEqualTo("[\"dynamodb:PutItem\",\"dynamodb:UpdateItem\"]"));
  }

  /** One deadline per chat request, the fallback included, ends before the function's and the gateway's limits. */
  @Test
  void theChatRequestBudgetEndsBeforeTheIntegrationAndFunctionTimeouts() {
    long budgetMs = chatProxyEnv().path("CANARY_REQUEST_BUDGET_MS").asLong();
    long modelMs = chatProxyEnv().path("CANARY_MODEL_TIMEOUT_SECONDS").asLong() * 1000;
    long functionMs = template.path("Resources").path("ChatProxyFunction").path("Properties").path("Timeout").asLong()
        * 1000;
    long integrationMs = template.path("Resources").path("ChatProxyIntegration").path("Properties")
        .path("TimeoutInMillis").asLong();
    assertThat(budgetMs).isPositive().isGreaterThanOrEqualTo(modelMs).isLessThan(integrationMs).isLessThan(functionMs);
  }

  /** End users are not told which version served them; operators read it in logs and metrics. */
  @Test
  void theServingVersionIsHiddenFromEndUsersAndFeedbackIsCapped() {
    assertThat(chatProxyEnv().path("CANARY_EXPOSE_VERSION").asText()).isEqualTo("false");
    assertThat(chatProxyEnv().path("CANARY_FEEDBACK_PER_USER_PER_HOUR").asInt()).isBetween(1, 100);
  }
}
