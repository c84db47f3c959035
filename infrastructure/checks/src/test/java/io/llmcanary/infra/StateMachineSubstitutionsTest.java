package io.llmcanary.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each state machine's definition file exists, is JSON, and its ${...} placeholders and the template's
 * DefinitionSubstitutions match both ways: nothing unresolved reaches Step Functions, nothing stale stays in the
 * template.
 */
class StateMachineSubstitutionsTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

  /** Problems of one definition against its substitutions; empty when they match. */
  static List<String> problems(String definition, Set<String> substitutions) {
    List<String> problems = new ArrayList<>();
    try {
      Repo.JSON.readTree(definition);
    } catch (IOException e) {
      problems.add("not valid JSON: " + e.getMessage());
    }
    Set<String> used = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(definition);
    while (m.find()) {
      used.add(m.group(1));
    }
    for (String u : used) {
      if (!substitutions.contains(u)) {
        problems.add("${" + u + "} has no DefinitionSubstitutions entry");
      }
    }
    for (String s : new TreeSet<>(substitutions)) {
      if (!used.contains(s)) {
        problems.add("DefinitionSubstitutions entry " + s + " is not used by the definition");
      }
    }
    return problems;
  }

  @TestFactory
  Stream<DynamicTest> definitionsAndSubstitutionsMatch() {
    Path root = Repo.root();
    JsonNode template = Repo.template();
    return Repo.resources(template, "AWS::Serverless::StateMachine").entrySet().stream().map(e ->
        DynamicTest.dynamicTest(e.getKey(), () -> {
          JsonNode props = e.getValue().path("Properties");
          String uri = props.path("DefinitionUri").asText();
          assertThat(uri).as("%s DefinitionUri (a file in the repository)", e.getKey()).isNotBlank();
          Path file = root.resolve(uri);
          // Until the promotion function joins the build, its workflow definitions may not exist yet; from then on
          // a missing definition fails (sam deploy could not package it).
          if (!Files.exists(file)) {
            assumeTrue(Repo.reactorModules().contains("functions/promotion"), () -> e.getKey() + ": " + uri
                + " is not in the repository yet (the promotion workflow's definition); checked once it is");
            throw new AssertionError(e.getKey() + ": DefinitionUri " + uri + " does not exist");
          }
          Set<String> subs = new TreeSet<>();
          props.path("DefinitionSubstitutions").fieldNames().forEachRemaining(subs::add);
          assertThat(problems(Files.readString(file), subs)).as("%s (%s)", e.getKey(), uri).isEmpty();
        }));
  }

  /** The check itself, on a fixture definition (not a real workflow). */
  @Test
  void reportsUnresolvedAndUnusedSubstitutions() throws IOException {
    String fixture;
    try (InputStream in = getClass().getResourceAsStream("/asl-fixtures/placeholder.asl.json")) {
      fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(problems(fixture, Set.of("PromotionFunctionArn", "TopicArn"))).isEmpty();
    assertThat(problems(fixture, Set.of("PromotionFunctionArn", "TopicArn", "Stale")))
        .containsExactly("DefinitionSubstitutions entry Stale is not used by the definition");
    assertThat(problems(fixture, Set.of("PromotionFunctionArn")))
        .containsExactly("${TopicArn} has no DefinitionSubstitutions entry");
    assertThat(problems("{\"States\": ", Set.of())).singleElement().asString().startsWith("not valid JSON");
  }
}
