package io.llmcanary.bench.coldstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

  private static final String[] JARS = {"--launcher-jar", "l.jar", "--bare-jar", "b.jar", "--subject-jar", "p.jar"};

  private static RunnerOptions parse(String... more) {
    String[] args = new String[JARS.length + more.length];
    System.arraycopy(JARS, 0, args, 0, JARS.length);
    System.arraycopy(more, 0, args, JARS.length, more.length);
    return RunnerOptions.parse(args);
  }

  @Test
  void defaults() {
    RunnerOptions o = parse();
    assertThat(o.java()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    assertThat(o.flags()).isEqualTo(RunnerOptions.DEFAULT_FLAGS);
    assertThat(o.runs()).isEqualTo(10);
    assertThat(o.primedRuns()).isEqualTo(3);
    assertThat(o.restores()).isEqualTo(10);
    assertThat(o.out()).isEqualTo(Path.of("benchmarks/target/coldstart"));
    assertThat(o.event()).isEqualTo("events/chat-valid.json");
    assertThat(o.bareHandler()).isEqualTo(BareHandler.class.getName());
    assertThat(o.subjectHandler()).isEqualTo("io.llmcanary.proxy.ChatProxyHandler");
    assertThat(o.offline()).isTrue();
    assertThat(o.appcds()).isFalse();
    assertThat(o.restoreOnly()).isFalse();
    assertThat(o.criu()).isNull();
    assertThat(o.alsoFlags()).isNull();
    assertThat(o.config()).isNull();
    assertThat(o.launcherJar()).isEqualTo("l.jar");
    assertThat(o.bareJar()).isEqualTo("b.jar");
    assertThat(o.subjectJar()).isEqualTo("p.jar");
  }

  @Test
  void givenValues() {
    RunnerOptions o = parse("--runs", "2", "--primed-runs", "0", "--offline", "false", "--appcds", "true",
        "--also-flags", "", "--criu", "/usr/sbin/criu", "--flags", "-Xint", "--out", "/tmp/cs");
    assertThat(o.runs()).isEqualTo(2);
    assertThat(o.restores()).as("defaults to --runs").isEqualTo(2);
    assertThat(o.primedRuns()).isZero();
    assertThat(o.offline()).isFalse();
    assertThat(o.appcds()).isTrue();
    assertThat(o.alsoFlags()).isEmpty();
    assertThat(o.criu()).isEqualTo("/usr/sbin/criu");
    assertThat(o.flags()).isEqualTo("-Xint");
    assertThat(o.out()).isEqualTo(Path.of("/tmp/cs"));
    assertThat(parse("--runs", "4", "--restores", "7").restores()).isEqualTo(7);
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> parse("--primed-run", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --primed-run;")
        .hasMessageContaining("--primed-runs");
    assertThatThrownBy(() -> parse("--runs", "ten")).hasMessageContaining("--runs").hasMessageContaining("\"ten\"");
    assertThatThrownBy(() -> parse("--runs", "0")).hasMessageContaining("--runs must be at least 1");
    assertThatThrownBy(() -> parse("--primed-runs", "-1")).hasMessageContaining("--primed-runs must be at least 0");
    assertThatThrownBy(() -> parse("--offline", "no")).hasMessageContaining("--offline takes true or false");
    assertThatThrownBy(() -> parse("--restore-only", "true")).hasMessageContaining("--criu");
    assertThatThrownBy(() -> parse("--runs")).hasMessageContaining("--name value pairs");
    assertThatThrownBy(() -> parse("runs", "2")).hasMessageContaining("--name value pairs");
    assertThatThrownBy(() -> RunnerOptions.parse("--bare-jar", "b.jar", "--subject-jar", "p.jar"))
        .hasMessageContaining("--launcher-jar is required");
  }
}
