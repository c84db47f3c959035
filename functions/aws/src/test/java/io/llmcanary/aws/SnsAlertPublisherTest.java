package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.ports.Alert;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SnsAlertPublisherTest {

  private static Alert alert(String subject) {
    return new Alert(Alert.Kind.ROLLBACK, "chat", "concise-2026-11-26", subject, "body");
  }

  @Test
  void a_short_ascii_subject_is_kept_as_it_is() {
    assertThat(SnsAlertPublisher.subject(alert("Rolled back chat/concise-2026-11-26"))).isEqualTo(
        "Rolled back chat/concise-2026-11-26");
  }

  @Test
  void a_long_subject_is_cut_to_100_characters_ending_in_an_ellipsis() {
    String subject = SnsAlertPublisher.subject(alert("x".repeat(250)));

    assertThat(subject).hasSize(100).endsWith("...").startsWith("xxxx");
  }

  @Test
  void a_subject_of_exactly_100_characters_is_not_cut() {
    assertThat(SnsAlertPublisher.subject(alert("y".repeat(100)))).isEqualTo("y".repeat(100));
  }

  @Test
  void text_past_the_limit_after_a_space_still_counts_as_cut() {
    String subject = SnsAlertPublisher.subject(alert("a".repeat(100) + " and more"));

    assertThat(subject).hasSize(100).endsWith("...");
  }

  @Test
  void line_breaks_and_control_characters_become_single_spaces() {
    assertThat(SnsAlertPublisher.subject(alert("  Rollback:\r\n\tquality\u0000 dropped \n"))).isEqualTo(
        "Rollback: quality dropped");
  }

  @Test
  void non_ascii_letters_lose_their_accents_and_other_characters_become_question_marks() {
    assertThat(SnsAlertPublisher.subject(alert("Déploiement → annulé 🚨"))).isEqualTo("Deploiement ? annule ?");
  }

  @Test
  void a_blank_subject_is_replaced_by_one_naming_the_kind_and_rollout() {
    assertThat(SnsAlertPublisher.subject(alert(" \n "))).isEqualTo("llm-canary ROLLBACK: chat/concise-2026-11-26");
  }

  @Test
  void a_body_within_256_kib_is_kept_and_an_empty_one_gets_a_placeholder() {
    assertThat(SnsAlertPublisher.message("table")).isEqualTo("table");
    assertThat(SnsAlertPublisher.message("")).isEqualTo("(no details)");
  }

  @Test
  void an_oversized_body_is_cut_on_a_character_boundary_below_256_kib() {
    String body = "€".repeat(100_000); // 3 bytes each in UTF-8: 300,000 bytes

    String message = SnsAlertPublisher.message(body);

    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256 * 1024);
    assertThat(message).endsWith("[... cut to fit the SNS message size limit]");
    assertThat(message.replace("\n[... cut to fit the SNS message size limit]", "")).matches("€+");
  }
}
