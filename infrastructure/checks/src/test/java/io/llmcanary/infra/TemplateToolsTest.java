package io.llmcanary.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The template checks, with the pinned tools (tools/template-tools.sh installs them into .tools/ on first
 * use): sam validate --lint, cfn-lint, checkov and sam build must all exit 0. A failure shows the tool's own output.
 */
class TemplateToolsTest {

  private static Path root;
  private static Map<String, String> env;

  @BeforeAll
  static void installTools() {
    root = Repo.root();
    env = new HashMap<>();
    env.put("SAM_CLI_TELEMETRY", "0");
    // sam and cfn-lint want a region for pseudo parameters; the template is region-agnostic.
    if (System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null) {
      env.put("AWS_DEFAULT_REGION", "us-east-1");
    }
    Tool.Result install = Tool.run(root, env, Duration.ofMinutes(20), List.of("bash", "tools/template-tools.sh"));
    assertThat(install.ok()).as("installing the pinned template tools failed:\n%s", install.report()).isTrue();
  }

  private static String tool(String venv, String name) {
    return root.resolve(".tools").resolve(venv).resolve("bin").resolve(name).toString();
  }

  private static void assertSucceeds(Duration limit, String... command) {
    Tool.Result r = Tool.run(root, env, limit, List.of(command));
    System.out.printf("[template checks] %s: exit %d in %d s%n", command[0].replaceAll(".*/", ""), r.exitCode(),
        r.took().toSeconds());
    assertThat(r.ok()).as("%s", r.report()).isTrue();
  }

  @Test
  void samValidateLint() {
    assertSucceeds(Duration.ofMinutes(5), tool("sam", "sam"), "validate", "--lint", "--template-file", "template.yaml");
  }

  @Test
  void cfnLint() {
    assertSucceeds(Duration.ofMinutes(5), tool("sam", "cfn-lint"), "template.yaml");
  }

  @Test
  void checkov() {
    // --skip-download: no calls to the vendor's platform (guidelines, severities); the checks ship with checkov.
    // Suppressions live in the template (Metadata.checkov.skip), each with its reason.
    assertSucceeds(Duration.ofMinutes(5), tool("checkov", "checkov"), "--file", "template.yaml",
        "--framework", "cloudformation", "--skip-download", "--compact", "--quiet");
  }

  @Test
  void samBuild() {
    JsonNode template = Repo.template();
    List<String> missing = functionModulesMissingFromTheBuild(template);
    List<String> functions = new ArrayList<>();
    Repo.resources(template, "AWS::Serverless::Function").forEach((id, f) -> {
      if (!missing.contains(f.path("Properties").path("CodeUri").asText())) {
        functions.add(id);
      }
    });
    assumeTrue(!functions.isEmpty(), () -> "sam build skipped: none of the function modules " + missing
        + " is in the Maven build (root pom.xml <modules>) yet");
    Path buildDir = root.resolve("infrastructure/checks/target/sam-build");
    // --build-in-source: make runs in the function's folder instead of a scratch copy (the Makefile builds in
    // the repository either way); not --parallel: the builds share the reactor's target/ folders.
    List<String> build = List.of(tool("sam", "sam"), "build", "--template-file", "template.yaml", "--base-dir", ".",
        "--build-dir", buildDir.toString(), "--build-in-source");
    if (missing.isEmpty()) {
      assertSucceeds(Duration.ofMinutes(20), build.toArray(String[]::new));
      assertThat(buildDir.resolve("template.yaml")).isRegularFile();
    } else {
      // Until every function module is in the build: each present function on its own (sam build <LogicalId>).
      System.out.printf("[template checks] sam build of %s only: %s not in the Maven build yet%n", functions, missing);
      for (String function : functions) {
        // Its own build dir: sam build clears the build dir it is given.
        List<String> one = new ArrayList<>(build);
        one.set(one.indexOf(buildDir.toString()), buildDir + "-" + function);
        one.add(function);
        assertSucceeds(Duration.ofMinutes(20), one.toArray(String[]::new));
      }
    }
    for (String function : functions) {
      Path lib = (missing.isEmpty() ? buildDir : Path.of(buildDir + "-" + function)).resolve(function).resolve("lib");
      assertThat(lib).as("sam build output of %s", function).isDirectory();
      try (var jars = Files.list(lib)) {
        assertThat(jars.filter(p -> p.toString().endsWith(".jar")).count()).as("jars in %s", lib).isEqualTo(1);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** CodeUri folders of the template's functions that the root pom.xml does not list as modules. */
  static List<String> functionModulesMissingFromTheBuild(JsonNode template) {
    List<String> modules = Repo.reactorModules();
    List<String> missing = new ArrayList<>();
    Repo.resources(template, "AWS::Serverless::Function").values().forEach(f -> {
      String codeUri = f.path("Properties").path("CodeUri").asText();
      if (!modules.contains(codeUri)) {
        missing.add(codeUri);
      }
    });
    return missing;
  }
}
