package io.llmcanary.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The answers check of the proxy: strict RFC 8259, one value, bounded depth; agrees with Jackson's tree parser. */
class JsonAnswersTest {

  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonParser.Feature.ALLOW_COMMENTS);

  @ParameterizedTest
  @ValueSource(strings = {"{}", "[]", "0", "-0.5e+10", "\"\\u00e9\\n\"", "true", "null", " {\"a\":[1,{\"b\":false}]} ",
      "[[[]]]", "{\"k\":\"v\",\"k2\":-12.75E-3}"})
  void acceptsValidJson(String s) {
    assertThat(JsonAnswers.INSTANCE.isValid(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{,}", "01", "1.", ".5", "-", "+1", "tru",
      "\"unterminated", "\"bad \\x escape\"", "{} {}", "{'a':1}", "NaN", "[1 2]", "\"tab\tinside\"", "{\"a\":1,}"})
  void refusesInvalidJson(String s) {
    assertThat(JsonAnswers.INSTANCE.isValid(s)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {JsonAnswers.MAX_DEPTH + 5, 100_000})
  void refusesNestingDeeperThanTheLimitWithoutOverflowingTheStack(int depth) {
    assertThat(JsonAnswers.INSTANCE.isValid("[".repeat(depth) + "]".repeat(depth))).isFalse();
  }

  @Property(tries = 500)
  void agreesWithJacksonOnShortStringsOfJsonCharacters(@ForAll("jsonish") String s) {
    boolean jackson;
    try {
      STRICT.readTree(s);
      jackson = !s.isBlank();
    } catch (Exception e) {
      jackson = false;
    }
    assertThat(JsonAnswers.INSTANCE.isValid(s)).as(s).isEqualTo(jackson);
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings().withChars("{}[]\":,0123-.eE tfnrul\\a").ofMinLength(1).ofMaxLength(12);
  }
}
