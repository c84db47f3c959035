package io.llmcanary.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryRolloutStoreTest {

  private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void ofManyWritersRacingFromTheSameVersionExactlyOneWins() throws Exception {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState s = RolloutState.start("chat", "r1", StagePlan.DEFAULT, T, null);
    assertThat(store.create(s)).isTrue();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger wins = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      fs.add(pool.submit(() -> {
        go.await();
        Transition t = RolloutStateMachine.apply(s, new RolloutCommand.RollBack("hc-" + n, "regression"), T);
        if (store.replace(((Transition.Applied) t).state(), s.version())) {
          wins.incrementAndGet();
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    assertThat(wins.get()).isEqualTo(1);
    assertThat(store.get("chat", "r1").orElseThrow().version()).isEqualTo(2);
    assertThat(store.active()).isEmpty();
  }

  @Test
  void aSecondCreateOfTheSameRolloutIsRefused() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState s = RolloutState.start("chat", "r1", StagePlan.DEFAULT, T, null);
    assertThat(store.create(s)).isTrue();
    assertThat(store.create(s)).isFalse();
    assertThat(store.active()).containsExactly(s);
  }
}
