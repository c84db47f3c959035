package io.llmcanary.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmcanary.core.ports.RolloutStore.CreateResult;
import io.llmcanary.core.ports.RolloutStore.CreateResult.ApplicationBusy;
import io.llmcanary.core.ports.RolloutStore.CreateResult.Created;
import io.llmcanary.core.ports.RolloutStore.CreateResult.IdTaken;
import io.llmcanary.core.rollout.RolloutCommand;
import io.llmcanary.core.rollout.RolloutState;
import io.llmcanary.core.rollout.RolloutStateMachine;
import io.llmcanary.core.rollout.StagePlan;
import io.llmcanary.core.rollout.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class InMemoryRolloutStoreTest {

  private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

  private static RolloutState running(String app, String id) {
    return RolloutState.start(app, id, StagePlan.DEFAULT, T, null);
  }

  private static RolloutState move(RolloutState s, RolloutCommand c) {
    Transition t = RolloutStateMachine.apply(s, c, T);
    assertThat(t).as("%s from %s", c, s.status()).isInstanceOf(Transition.Applied.class);
    return ((Transition.Applied) t).state();
  }

  private static RolloutState awaiting(RolloutState s) {
    return move(s, new RolloutCommand.RequestApproval("wf", "gate passed", "tok"));
  }

  @Test
  void ofManyWritersRacingFromTheSameVersionExactlyOneWins() throws Exception {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState s = running("chat", "r1");
    assertThat(store.create(s)).isEqualTo(new Created());
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
  void aSecondCreateOfTheSameRolloutIsToldItsIdIsTakenNotThatTheApplicationIsBusy() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState s = running("chat", "r1");
    assertThat(store.create(s)).isEqualTo(new Created());
    // r1 holds the claim itself: that blocks nothing, the id is what stands in the way.
    assertThat(store.create(s)).isEqualTo(new IdTaken("r1"));
    assertThat(store.active()).containsExactly(s);
  }

  @Test
  void whileARolloutIsActiveAStartOfAnotherIdIsRefusedNamingTheActiveOne() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState r1 = running("chat", "r1");
    store.create(r1);

    assertThat(store.create(running("chat", "r2"))).isEqualTo(new ApplicationBusy("chat", "r1"));

    assertThat(store.get("chat", "r2")).isEmpty();
    assertThat(store.active()).containsExactly(r1);
  }

  @Test
  void anIdTakenByAnEndedRolloutIsReportedBeforeABusyApplication() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState old = running("chat", "old");
    store.create(old);
    store.replace(move(old, new RolloutCommand.RollBack("hc", "errors")), old.version());
    store.create(running("chat", "r1"));

    assertThat(store.create(running("chat", "old"))).isEqualTo(new IdTaken("old"));
  }

  @Test
  void rolloutsOfDifferentApplicationsDoNotBlockEachOther() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();

    assertThat(store.create(running("chat", "r1"))).isEqualTo(new Created());
    assertThat(store.create(running("search", "r1"))).isEqualTo(new Created());
    assertThat(store.create(running("summarise", "r9"))).isEqualTo(new Created());

    assertThat(store.active()).hasSize(3);
  }

  @Test
  void eachWayOfEndingARolloutGivesItsApplicationBackSoTheNextStartSucceeds() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState rolledBack = running("chat", "rolled-back");
    store.create(rolledBack);
    assertThat(store.replace(move(rolledBack, new RolloutCommand.RollBack("hc", "errors 3x")), 1)).isTrue();

    RolloutState rejected = running("chat", "rejected");
    assertThat(store.create(rejected)).isEqualTo(new Created());
    RolloutState waiting = awaiting(rejected);
    assertThat(store.replace(waiting, 1)).isTrue();
    assertThat(store.replace(move(waiting, new RolloutCommand.Reject("alice", "not convinced")), 2)).isTrue();

    RolloutState promoted = RolloutState.start("chat", "promoted", new StagePlan(List.of(100.0)), T, null);
    assertThat(store.create(promoted)).isEqualTo(new Created());
    assertThat(store.replace(move(promoted, new RolloutCommand.Finalize("wf", "done")), 1)).isTrue();

    assertThat(store.create(running("chat", "next"))).isEqualTo(new Created());
  }

  @Test
  void aTransitionThatKeepsTheRolloutActiveKeepsItsApplicationClaimed() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    RolloutState waiting = awaiting(r1);
    store.replace(waiting, 1);
    RolloutState next = move(waiting, new RolloutCommand.Approve("alice", "ok"));
    assertThat(store.replace(next, 2)).isTrue();
    assertThat(store.replace(next.withExecutionArn("arn:x"), next.version())).isTrue();

    assertThat(store.create(running("chat", "r2"))).isEqualTo(new ApplicationBusy("chat", "r1"));
  }

  @Test
  void aTerminalReplaceThatLosesItsRaceKeepsTheApplicationClaimed() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState r1 = running("chat", "r1");
    store.create(r1);
    store.replace(awaiting(r1), 1);

    // A rollback derived from version 1, written after version 2: refused, and the claim stays.
    assertThat(store.replace(move(r1, new RolloutCommand.RollBack("hc", "late")), 1)).isFalse();

    assertThat(store.create(running("chat", "r2"))).isEqualTo(new ApplicationBusy("chat", "r1"));
  }

  @Test
  void anEndedRolloutIsRestoredWithoutClaimingAndItsBookkeepingLeavesTheCurrentHolderAlone() {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    RolloutState current = running("chat", "current");
    store.create(current);
    RolloutState ended = move(running("chat", "ended"), new RolloutCommand.RollBack("hc", "errors"));

    assertThat(store.create(ended)).isEqualTo(new Created());
    // Owed work written on the ended rollout is a terminal replace, but the claim is not its own.
    assertThat(store.replace(ended.withOwed(java.util.List.of(new io.llmcanary.core.rollout.OwedStep.ZeroCanary(
        "zero"))), ended.version())).isTrue();

    assertThat(store.create(running("chat", "other"))).isEqualTo(new ApplicationBusy("chat", "current"));
  }

  @RepeatedTest(20)
  void ofManyStartsRacingForOneApplicationExactlyOneIsCreatedAndTheOthersAreToldWhichWon() throws Exception {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    int n = 16;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<CreateResult>> results;
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      results = IntStream.range(0, n).mapToObj(i -> pool.submit(() -> {
        go.await();
        return store.create(running("chat", "r" + i));
      })).toList();
      go.countDown();
    }

    List<CreateResult> outcomes = results.stream().map(Future::resultNow).toList();
    assertThat(outcomes).filteredOn(Created.class::isInstance).hasSize(1);
    String winner = "r" + outcomes.indexOf(new Created());
    assertThat(outcomes).filteredOn(r -> !(r instanceof Created))
        .hasSize(n - 1)
        .allMatch(r -> r.equals(new ApplicationBusy("chat", winner)));
    assertThat(store.active()).extracting(RolloutState::rolloutId).containsExactly(winner);

    // Once the winner ends, the next start gets the application.
    RolloutState won = store.get("chat", winner).orElseThrow();
    assertThat(store.replace(move(won, new RolloutCommand.RollBack("hc", "regression")), won.version())).isTrue();
    assertThat(store.create(running("chat", "after-" + winner))).isEqualTo(new Created());
  }

  // ------------------------------------------------------------------------------------ property

  /** One step of a random history: a start of some id, or a command on some id, in one of two applications. */
  record Step(String app, String id, RolloutCommand command) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<String> apps = Arbitraries.of("chat", "search");
    Arbitrary<String> ids = Arbitraries.of("a", "b", "c", "d");
    Arbitrary<RolloutCommand> commands = Arbitraries.<RolloutCommand>of(
        new RolloutCommand.RequestApproval("wf", "gate", "tok"),
        new RolloutCommand.Approve("alice", "ok"),
        new RolloutCommand.Reject("bob", "no"),
        new RolloutCommand.RollBack("hc", "regression"),
        new RolloutCommand.Finalize("wf", "done"))
        .injectNull(0.35); // null: a start
    return Combinators.combine(apps, ids, commands).as(Step::new).list().ofMaxSize(40);
  }

  @Property
  void anyHistoryKeepsAtMostOneActiveRolloutPerApplicationAndRefusesOnlyWhenOneIs(
      @ForAll("histories") List<Step> history) {
    InMemoryRolloutStore store = new InMemoryRolloutStore();
    Map<String, String> activeByApp = new HashMap<>(); // the model
    for (Step step : history) {
      if (step.command() == null) {
        boolean exists = store.get(step.app(), step.id()).isPresent();
        CreateResult result = store.create(RolloutState.start(step.app(), step.id(),
            new StagePlan(List.of(5.0, 100.0)), T, null));
        String holder = activeByApp.get(step.app());
        if (exists) {
          assertThat(result).isEqualTo(new IdTaken(step.id()));
        } else if (holder != null) {
          assertThat(result).isEqualTo(new ApplicationBusy(step.app(), holder));
        } else {
          assertThat(result).isEqualTo(new Created());
          activeByApp.put(step.app(), step.id());
        }
      } else {
        store.get(step.app(), step.id()).ifPresent(s -> {
          if (RolloutStateMachine.apply(s, step.command(), T) instanceof Transition.Applied a) {
            assertThat(store.replace(a.state(), s.version())).isTrue();
            if (a.state().status().isTerminal()) {
              activeByApp.remove(step.app(), step.id());
            }
          }
        });
      }
      Map<String, List<String>> active = new HashMap<>();
      store.active().forEach(s -> active.computeIfAbsent(s.application(), k -> new ArrayList<>()).add(s.rolloutId()));
      assertThat(active).allSatisfy((app, ids) -> assertThat(ids).as("active rollouts of %s", app).hasSize(1));
      Map<String, String> actual = new HashMap<>();
      active.forEach((app, ids) -> actual.put(app, ids.get(0)));
      assertThat(actual).isEqualTo(activeByApp);
    }
  }
}
