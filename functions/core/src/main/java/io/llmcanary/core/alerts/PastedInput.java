package io.llmcanary.core.alerts;

import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The JSON a person pastes from an alert: a Step Functions execution input, an {@code aws lambda invoke --payload}.
 * Text for a person, not a wire format (task outputs and API bodies are written by the adapters). Its values are
 * identifiers and fixed words only, so nothing needs escaping and nothing can break out of the single quotes a
 * shell command puts around it: a value outside that alphabet (never a validated rollout's id) is printed as a
 * {@code <field>} placeholder for the person to fill in.
 */
public final class PastedInput {

  /** A rollout's identifiers (the config validator's alphabet) plus the spaces of a fixed reason. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._: -]{0,127}");

  private final boolean spaced;
  private final StringJoiner fields;

  private PastedInput(boolean spaced) {
    this.spaced = spaced;
    this.fields = new StringJoiner(spaced ? ", " : ",", "{", "}");
  }

  /** {@code {"k": "v", "k2": true}}, as the Step Functions console shows an input. */
  public static PastedInput spaced() {
    return new PastedInput(true);
  }

  /** {@code {"k":"v","k2":true}}, compact for a command line. */
  public static PastedInput compact() {
    return new PastedInput(false);
  }

  public PastedInput text(String field, String value) {
    return add(field, "\"" + (value != null && PLAIN.matcher(value).matches() ? value : "<" + field + ">") + "\"");
  }

  public PastedInput flag(String field, boolean value) {
    return add(field, String.valueOf(value));
  }

  private PastedInput add(String field, String json) {
    fields.add("\"" + field + "\":" + (spaced ? " " : "") + json);
    return this;
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
