package io.llmcanary.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.local.CanaryCtl;
import io.llmcanary.local.CompletionScript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The CLI is picocli's: every command's --help is the usage message picocli builds from its annotations and lists
 * every option it parses, an unknown option is a usage error (2) that names it, and serve takes no --json.
 */
class CliParsingTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new CanaryCtl().run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The commands as picocli holds them, without picocli's own help command. */
  static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all = new java.util.LinkedHashMap<>(CanaryCtl.commandLine(null).getSubcommands());
    all.remove("help");
    return all;
  }

  @Test
  void everyCommandOfTheIssueIsAPicocliCommand() {
    assertThat(commands().keySet()).containsExactly("demo", "simulate", "evaluate", "serve", "invoke", "start",
        "approve", "reject", "rollback", "status", "compare", "history", "replay");
    for (CommandLine c : commands().values()) {
      Object command = c.getCommand();
      assertThat(command).isInstanceOf(Subcommand.class);
    }
  }

  @TestFactory
  Stream<DynamicTest> eachCommandsHelpIsPicoclisUsageMessageAndListsItsOptions() {
    List<DynamicTest> tests = new ArrayList<>();
    commands().forEach((name, spec) -> tests.add(DynamicTest.dynamicTest(name, () -> {
      Run help = run(name, "--help");
      assertThat(help.code()).as(help.err()).isZero();
      assertThat(help.out()).isEqualTo(spec.getUsageMessage(CommandLine.Help.Ansi.OFF));
      assertThat(help.out()).startsWith(spec.getCommandSpec().usageMessage().header()[0].replace("%%", "%"))
          .contains("Usage: ./canaryctl " + name).contains("Options:").contains("Exit codes:")
          .contains("  2   usage error");
      for (OptionSpec o : spec.getCommandSpec().options()) {
        assertThat(help.out()).as("%s --help lists %s", name, o.longestName()).contains(o.longestName());
        assertThat(o.description()).as("%s %s has a description", name, o.longestName()).isNotEmpty();
      }
      assertThat(run(name, "-h").out()).isEqualTo(help.out());
      assertThat(run("help", name).out()).isEqualTo(help.out());
    })));
    return tests.stream();
  }

  @Test
  void theStackAndStateOptionsAreSharedMixins() {
    for (String name : List.of("start", "approve", "reject", "rollback", "status", "compare", "history", "replay")) {
      assertThat(mixinClasses(commands().get(name).getCommandSpec())).as(name)
          .contains(StackOptions.class, StateOptions.class);
    }
  }

  /** The classes of a command's mixins and of the mixins they hold in turn. */
  private static List<Class<?>> mixinClasses(CommandSpec spec) {
    List<Class<?>> all = new ArrayList<>();
    for (CommandSpec m : spec.mixins().values()) {
      all.add(m.userObject().getClass());
      all.addAll(mixinClasses(m));
    }
    return all;
  }

  @Test
  void theTopLevelHelpIsPicocliGeneratedAndListsEveryCommand() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(CanaryCtl.commandLine(null).getUsageMessage(CommandLine.Help.Ansi.OFF));
    commands().forEach((name, c) -> assertThat(r.out()).containsPattern("(?m)^  " + name + " +\\S"));
    assertThat(r.out()).contains("Exit codes:").contains("but serve takes --json");
    assertThat(run().code()).as("no command is a usage error").isEqualTo(2);
  }

  @TestFactory
  Stream<DynamicTest> anUnknownOptionOfAnyCommandExits2NamingIt() {
    return commands().keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      Run r = run(name, "--no-such-option", "x");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("canaryctl " + name + ": unknown option --no-such-option")
          .contains("Run ./canaryctl " + name + " --help.");
      assertThat(r.out()).isEmpty();
      Run attached = run(name, "--no-such-option=1");
      assertThat(attached.code()).isEqualTo(2);
      assertThat(attached.err()).contains("unknown option --no-such-option.");
    }));
  }

  @Test
  void aTypoGetsASuggestionAndABadValueNamesItsOption() {
    Run typo = run("simulate", "--scenario", "aa", "--trails", "3");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown option --trails").contains("--trials");
    Run bad = run("simulate", "--scenario", "aa", "--trials", "many");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--trials").contains("'many'");
    Run range = run("simulate", "--scenario", "aa", "--trials", "0");
    assertThat(range.code()).isEqualTo(2);
    assertThat(range.err()).contains("--trials must be within 1..100000, got 0");
    Run missing = run("replay", "r1", "--emf");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--emf");
    Run extra = run("history", "r1", "r2");
    assertThat(extra.code()).isEqualTo(2);
    assertThat(extra.err()).contains("'r2'");
  }

  @Test
  void serveRefusesJson() {
    Run r = run("serve", "--json");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("canaryctl serve: unknown option --json");
    assertThat(run("serve", "--help").out()).doesNotContain("--json ").doesNotContain("--json\n");
  }

  @Test
  void invokeKeepsEachFunctionsOptionsToItself() {
    Run r = run("invoke", "chat-proxy", "events/chat-valid.json", "--traffic", "broken");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("options of invoke health-check");
    assertThat(run("invoke", "--help").out()).contains("chat-proxy options:").contains("health-check options:")
        .contains("--feedback-token").contains("--traffic");
  }

  @Test
  void theCompletionScriptCompletesTheCommandsAndTheirOptions(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("canaryctl_completion");
    CompletionScript.main(new String[] {script.toString()});
    String text = Files.readString(script);
    assertThat(text).contains("complete -F _complete_canaryctl").contains("replay").contains("--guardrails")
        .contains("--judge-call-price").contains("--stack");
  }
}
