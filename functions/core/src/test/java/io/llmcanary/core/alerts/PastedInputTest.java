package io.llmcanary.core.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PastedInputTest {

  @Test
  void writesIdentifiersAndFlagsAsTheConsoleShowsThem() {
    assertThat(PastedInput.spaced().text("application", "support-chat").text("rolloutId", "concise:2026-11-26")
        .flag("resume", true).toString())
        .isEqualTo("{\"application\": \"support-chat\", \"rolloutId\": \"concise:2026-11-26\", \"resume\": true}");
  }

  @Test
  void writesCompactlyForACommandLine() {
    assertThat(PastedInput.compact().text("application", "a").text("reason", "evidence reviewed").toString())
        .isEqualTo("{\"application\":\"a\",\"reason\":\"evidence reviewed\"}");
  }

  @Test
  void aValueThatWouldNeedEscapingOrBreakTheShellQuotesBecomesAPlaceholder() {
    for (String bad : new String[] {"r1'; rm -rf ~; echo '", "a\"b", "back\\slash", "line\nbreak", "", " lead", null}) {
      assertThat(PastedInput.compact().text("rolloutId", bad).toString()).as(String.valueOf(bad))
          .isEqualTo("{\"rolloutId\":\"<rolloutId>\"}");
    }
  }
}
