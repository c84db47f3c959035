package io.llmcanary.core.qualityjudge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmcanary.core.chat.ChatMessage;
import io.llmcanary.core.config.QualityJudgeConfig;
import io.llmcanary.core.config.Variant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HandoffBreakerTest {

  static final JudgeTask TASK = new JudgeTask("req-1", "chat", "r-1", Variant.CANARY,
      new QualityJudgeConfig("absolute", 1.0, 10, null, null), List.of(new ChatMessage("user", "q")), "a", null);

  final AtomicLong clock = new AtomicLong();
  final AtomicInteger calls = new AtomicInteger();
  final AtomicBoolean down = new AtomicBoolean();
  final HandoffBreaker breaker = new HandoffBreaker(t -> {
    calls.incrementAndGet();
    if (down.get()) {
      throw new IllegalStateException("queue down");
    }
  }, 3, Duration.ofSeconds(30), clock::get);

  void offerIgnoringFailure() {
    try {
      breaker.handOff(TASK);
    } catch (RuntimeException e) {
      // counted by the dispatch
    }
  }

  @Test
  void aHealthyQueueIsCalledForEveryHandOff() {
    for (int i = 0; i < 10; i++) {
      breaker.handOff(TASK);
    }
    assertThat(calls).hasValue(10);
    assertThat(breaker.open()).isFalse();
  }

  @Test
  void afterThreeFailuresInARowTheQueueIsNotCalledUntilTheCoolDownHasPassed() {
    down.set(true);
    for (int i = 0; i < 100; i++) {
      offerIgnoringFailure();
    }
    assertThat(calls).hasValue(3);
    assertThat(breaker.open()).isTrue();
    assertThatThrownBy(() -> breaker.handOff(TASK)).isInstanceOf(HandoffBreaker.OpenException.class);
    assertThat(calls).hasValue(3);
  }

  @Test
  void afterTheCoolDownOneProbeIsLetThroughAndAFailedProbeKeepsItOpen() {
    down.set(true);
    for (int i = 0; i < 3; i++) {
      offerIgnoringFailure();
    }
    clock.addAndGet(Duration.ofSeconds(31).toNanos());
    for (int i = 0; i < 50; i++) {
      offerIgnoringFailure();
    }
    assertThat(calls).hasValue(4);
    assertThat(breaker.open()).isTrue();
  }

  @Test
  void aProbeThatReachesTheQueueClosesTheBreaker() {
    down.set(true);
    for (int i = 0; i < 3; i++) {
      offerIgnoringFailure();
    }
    down.set(false);
    clock.addAndGet(Duration.ofSeconds(31).toNanos());
    for (int i = 0; i < 5; i++) {
      breaker.handOff(TASK);
    }
    assertThat(calls).hasValue(8);
    assertThat(breaker.open()).isFalse();
  }

  @Test
  void failuresThatAreNotConsecutiveNeverOpenIt() {
    for (int i = 0; i < 20; i++) {
      down.set(i % 3 != 2);
      offerIgnoringFailure();
    }
    assertThat(calls).hasValue(20);
  }

  @Test
  void aRefusedHandOffIsCountedAsADropByTheDispatch() {
    down.set(true);
    JudgeDispatch d = new JudgeDispatch(breaker);
    var config = JudgeDispatchTest.config(new QualityJudgeConfig("absolute", 1.0, 1000, null, null));
    for (int i = 0; i < 10; i++) {
      assertThat(d.offer(config, Variant.CANARY, "req-" + i, JudgeDispatchTest.CONVERSATION, "a",
          JudgeDispatchTest.NOW)).isEqualTo(JudgeDispatch.Result.FAILED);
    }
    assertThat(calls).hasValue(3);
  }
}
