package io.llmcanary.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamoDbRolloutStoreTest {

  @Test
  void audit_keys_sort_as_text_in_time_order_whatever_the_fraction_of_a_second() {
    Instant t = Instant.parse("2026-11-26T09:15:00Z");
    List<Instant> inOrder = List.of(t, t.plusNanos(1), t.plusMillis(500), t.plusSeconds(1), t.plusSeconds(1).plusNanos(1));

    List<String> keys = inOrder.stream().map(DynamoDbRolloutStore::sortableInstant).toList();

    // Instant.toString would give "…:00Z" after "…:00.5Z" in text order; the fixed width keeps time order.
    assertThat(keys).isSorted().doesNotHaveDuplicates();
    assertThat(keys.get(0)).isEqualTo("2026-11-26T09:15:00.000000000Z");
  }

  @Test
  void the_partition_key_names_application_and_rollout() {
    assertThat(DynamoDbRolloutStore.partitionKey("chat", "concise-2026-11-26")).isEqualTo("ROLLOUT#chat#concise-2026-11-26");
  }

  @Test
  void an_application_name_with_the_key_separator_is_refused() {
    // "a#b" + "c" and "a" + "b#c" would share one key.
    assertThatThrownBy(() -> DynamoDbRolloutStore.partitionKey("a#b", "c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DynamoDbRolloutStore.partitionKey("chat", " ")).isInstanceOf(IllegalArgumentException.class);
  }
}
