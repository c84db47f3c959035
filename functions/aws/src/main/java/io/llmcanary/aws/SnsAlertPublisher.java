package io.llmcanary.aws;

import io.llmcanary.core.ports.Alert;
import io.llmcanary.core.ports.AlertPublisher;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes alerts to one SNS topic: the subject for email subscribers, the body as the message, and
 * message attributes {@code kind}, {@code application} and {@code rollout} for subscription filter policies
 * (page on ROLLBACK only, say).
 *
 * <p>SNS refuses a subject longer than 100 characters, with line breaks or control characters, and email
 * needs it ASCII; an alert subject is built from names and reasons nobody checked for that, so it is
 * cleaned here rather than letting a rollback's page fail on a long rollout id.
 */
public final class SnsAlertPublisher implements AlertPublisher {

  static final int MAX_SUBJECT = 100;
  static final int MAX_MESSAGE_BYTES = 256 * 1024;
  private static final String ELLIPSIS = "...";
  private static final String CUT_NOTE = "\n[... cut to fit the SNS message size limit]";

  private final SnsClient sns;
  private final String topicArn;

  public SnsAlertPublisher(SnsClient sns, String topicArn) {
    this.sns = Objects.requireNonNull(sns, "sns");
    this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
  }

  @Override
  public void publish(Alert alert) {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    putAttribute(attributes, "kind", alert.kind().name());
    putAttribute(attributes, "application", alert.application());
    putAttribute(attributes, "rollout", alert.rolloutId());
    // The same for every delivery of the same page (a retry after a lost answer), so a subscriber can drop a repeat.
    putAttribute(attributes, "alert-id", alert.id());
    try {
      sns.publish(b -> b.topicArn(topicArn)
          .subject(subject(alert))
          .message(message(alert.body()))
          .messageAttributes(attributes));
    } catch (SdkException e) {
      throw new AlertDeliveryException("could not publish " + alert.kind() + " alert for rollout "
          + alert.rolloutId() + " to " + topicArn + ": " + e.getMessage(), e);
    }
  }

  /**
   * The alert's subject made acceptable to SNS: ASCII (accents dropped, other characters as '?'), control
   * characters and line breaks as single spaces, at most 100 characters with "..." where it was cut. A blank
   * subject becomes one naming the kind and rollout, since SNS rejects an empty one.
   */
  static String subject(Alert alert) {
    String raw = alert.subject();
    if (raw == null || raw.isBlank()) {
      raw = "llm-canary " + alert.kind() + ": " + alert.application() + "/" + alert.rolloutId();
    }
    String decomposed = Normalizer.normalize(raw, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder();
    boolean lastWasSpace = true; // also trims leading whitespace
    // Spaces are collapsed, so past 2 x MAX_SUBJECT the stripped text is surely too long: stop reading there.
    for (int i = 0; i < decomposed.length() && out.length() <= 2 * MAX_SUBJECT; ) {
      int cp = decomposed.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) == Character.NON_SPACING_MARK) {
        continue; // the accent of a decomposed letter: "é" -> "e"
      }
      char c;
      if (Character.isWhitespace(cp) || Character.isISOControl(cp) || Character.isSpaceChar(cp)) {
        c = ' ';
      } else if (cp >= 0x20 && cp < 0x7f) {
        c = (char) cp;
      } else {
        c = '?';
      }
      if (c == ' ') {
        if (lastWasSpace) {
          continue;
        }
        lastWasSpace = true;
      } else {
        lastWasSpace = false;
      }
      out.append(c);
    }
    String cleaned = out.toString().strip();
    if (cleaned.length() > MAX_SUBJECT) {
      cleaned = cleaned.substring(0, MAX_SUBJECT - ELLIPSIS.length()).stripTrailing() + ELLIPSIS;
    }
    return cleaned.isEmpty() ? "llm-canary " + alert.kind() : cleaned;
  }

  /** The body within SNS's 256 KiB (bytes of UTF-8), cut at a character boundary with a note when too long. */
  static String message(String body) {
    String text = body == null || body.isEmpty() ? "(no details)" : body;
    if (text.length() * 3L <= MAX_MESSAGE_BYTES || text.getBytes(StandardCharsets.UTF_8).length <= MAX_MESSAGE_BYTES) {
      return text;
    }
    int budget = MAX_MESSAGE_BYTES - CUT_NOTE.getBytes(StandardCharsets.UTF_8).length;
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer in = CharBuffer.wrap(text);
    // The encoder stops before a character that does not fit whole, so no code point is split.
    encoder.encode(in, ByteBuffer.allocate(budget), true);
    return text.substring(0, in.position()) + CUT_NOTE;
  }

  private static void putAttribute(Map<String, MessageAttributeValue> attributes, String name, String value) {
    // SNS rejects empty attribute values; an alert without an application still goes out.
    if (value != null && !value.isBlank()) {
      attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
    }
  }
}
