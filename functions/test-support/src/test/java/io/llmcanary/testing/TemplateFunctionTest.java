package io.llmcanary.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateFunctionTest {

  static final String TEMPLATE = """
      Globals:
        Function:
          Runtime: java21
          MemorySize: 512
          Environment:
            Variables:
              SHARED: !Ref SomeParameter
              OVERRIDDEN: from-globals
      Resources:
        Fn:
          Type: AWS::Serverless::Function
          Properties:
            Handler: a.b.Handler::handleRequest
            Timeout: 30
            LoggingConfig:
              LogFormat: JSON
              ApplicationLogLevel: INFO
            Environment:
              Variables:
                LITERAL: "25"
                OVERRIDDEN: from-function
                TABLE: !Ref Table
                SECRET: !Sub "{{resolve:secretsmanager:${Secret}:SecretString}}"
        Table:
          Type: AWS::DynamoDB::Table
      """;

  static Path template(Path dir) throws IOException {
    return Files.writeString(dir.resolve("template.yaml"), TEMPLATE);
  }

  @Test
  void readsTheFunctionWithItsGlobalsAndTellsLiteralsFromExpressions(@TempDir Path dir) throws IOException {
    TemplateFunction f = TemplateFunction.of(template(dir), "Fn");
    assertThat(f.handler()).isEqualTo("a.b.Handler::handleRequest");
    assertThat(f.runtime()).isEqualTo("java21");
    assertThat(f.memoryMb()).isEqualTo(512);
    assertThat(f.timeoutSeconds()).isEqualTo(30);
    assertThat(f.logFormat()).isEqualTo("JSON");
    assertThat(f.applicationLogLevel()).isEqualTo("INFO");
    assertThat(f.variables().get("LITERAL").literal()).isEqualTo("25");
    assertThat(f.variables().get("OVERRIDDEN").literal()).isEqualTo("from-function");
    assertThat(f.variables().get("TABLE").isLiteral()).isFalse();
    assertThat(f.variables().get("TABLE").expression()).isEqualTo("!Ref Table");
    assertThat(f.variables().get("SECRET").expression()).startsWith("!Sub {{resolve:secretsmanager:");
    assertThat(f.variables().get("SHARED").expression()).isEqualTo("!Ref SomeParameter");
  }

  @Test
  void theEnvironmentNeedsAStandInForEveryExpressionAndNoneForUnknownVariables(@TempDir Path dir) throws IOException {
    TemplateFunction f = TemplateFunction.of(template(dir), "Fn");
    Map<String, String> all = Map.of("TABLE", "t", "SECRET", "s", "SHARED", "x");
    assertThat(f.environment(all)).containsEntry("LITERAL", "25").containsEntry("TABLE", "t")
        .containsEntry("OVERRIDDEN", "from-function").hasSize(5);
    assertThatThrownBy(() -> f.environment(Map.of("TABLE", "t", "SHARED", "x")))
        .hasMessageContaining("SECRET (!Sub");
    assertThatThrownBy(() -> f.environment(Map.of("TABLE", "t", "SECRET", "s", "SHARED", "x", "TABEL", "typo")))
        .hasMessageContaining("[TABEL]");
  }

  @Test
  void refusesAResourceThatIsNotAFunction(@TempDir Path dir) throws IOException {
    Path t = template(dir);
    assertThatThrownBy(() -> TemplateFunction.of(t, "Table")).hasMessageContaining("not an AWS::Serverless::Function");
    assertThatThrownBy(() -> TemplateFunction.of(t, "Nope")).hasMessageContaining("no resource Nope");
  }

  @Test
  void everyFunctionOfTheRepositoryTemplateRunsOnJava21WithJsonLogs() {
    for (String id : new String[] {"ChatProxyFunction", "HealthCheckFunction", "PromotionFunction"}) {
      TemplateFunction f = TemplateFunction.of(id);
      assertThat(f.runtime()).as(id).isEqualTo("java21");
      assertThat(f.logFormat()).as(id).isEqualTo("JSON");
    }
  }
}
