package io.llmcanary.core.change;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelLineTest {

  @ParameterizedTest
  @CsvSource({
      "anthropic.claude-3-5-sonnet-20240620-v1:0, anthropic.claude-3-5-sonnet-20241022-v2:0, true",
      "anthropic.claude-3-5-sonnet-20240620-v1:0, us.anthropic.claude-sonnet-4-20250514-v1:0, true",
      "anthropic.claude-3-5-sonnet-20240620-v1:0, anthropic.claude-3-haiku-20240307-v1:0, false",
      "anthropic.claude-3-5-sonnet-20240620-v1:0, deepseek.r1-v1:0, false",
      "gpt-4o, gpt-4o-2024-08-06, true",
      "gpt-4o, gpt-4o-mini, false",
      "meta.llama3-1-70b-instruct-v1:0, meta.llama3-3-70b-instruct-v1:0, true",
      "amazon.nova-pro-v1:0, amazon.nova-lite-v1:0, false",
  })
  void versionsAndDatesAndRegionsDoNotMakeAnotherLine(String a, String b, boolean same) {
    assertThat(ModelLine.same(a, b)).isEqualTo(same);
  }

  @Test
  void anEmptyIdIsNoLine() {
    assertThat(ModelLine.same("", "")).isFalse();
  }
}
