package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.MessageBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link Behaviors} builders: handler overloads, and what is shared across spawns and restarts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BehaviorsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    record Note(String text) implements Message<Void> {
    }

    record Quad(int n) implements Message<Integer> {
    }

    record Increment() implements Message<Void> {
    }

    record Get() implements Message<Integer> {
    }

    record Crash() implements Message<Void> {
    }

    /** The per-actor state of a counter. */
    static final class Counter {
        int n;
    }

    private static <T> T result(CompletableFuture<T> f) throws Exception {
        return f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void onTellWithTheContextSeesTheActorsOwnId() throws Exception {
        List<ActorId> seen = new CopyOnWriteArrayList<>();
        try (ActorSystem system = ActorSystem.create()) {
            ActorId id = system.spawn(Behaviors.receive()
                    .onTell(Note.class, (ctx, n) -> seen.add(ctx.self()))
                    .build()).id();
            result(system.broker().send(id, new Note("hi")));
            assertThat(seen).containsExactly(id);
        }
    }

    @Test
    void onAsyncWithoutTheContextCompletesTheSendersFutureWithTheStage() throws Exception {
        try (ActorSystem system = ActorSystem.create()) {
            ActorId id = system.spawn(Behaviors.receive()
                    .onAsync(Quad.class, q -> CompletableFuture.supplyAsync(() -> q.n() * 4))
                    .build()).id();
            assertThat(result(system.broker().send(id, new Quad(5)))).isEqualTo(20);
        }
    }

    @Test
    void javacPicksTheOverloadForImplicitlyAndExplicitlyTypedLambdasWithoutCasts() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Behavior<Message<?>> b = Behaviors.receive()
                .onTell(Note.class, n -> log.add("implicit " + n.text()))
                .onTell(Note.class, (ctx, n) -> log.add("never: the first match wins"))
                .on(Get.class, (ActorContext ctx, Get g) -> 7)
                .onAsync(Quad.class, (Quad q) -> CompletableFuture.completedFuture(q.n()))
                .onAsync(Quad.class, (ActorContext ctx, Quad q) -> CompletableFuture.completedFuture(-1))
                .build();
        Behavior<Message<?>> s = Behaviors.withState(Counter::new)
                .onTell(Note.class, (Counter c, Note n) -> c.n++)
                .onTell(Note.class, (ctx, c, n) -> c.n--)
                .on(Get.class, (c, g) -> c.n)
                .onAsync(Quad.class, (c, q) -> CompletableFuture.completedFuture(c.n + q.n()))
                .onAsync(Quad.class, (ActorContext ctx, Counter c, Quad q) -> completed(-1))
                .build();
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId plain = system.spawn(b).id();
            result(broker.send(plain, new Note("x")));
            assertThat(result(broker.send(plain, new Get()))).isEqualTo(7);
            assertThat(result(broker.send(plain, new Quad(3)))).isEqualTo(3);
            assertThat(log).containsExactly("implicit x");

            ActorId counter = system.spawn(s).id();
            result(broker.send(counter, new Note("x")));
            assertThat(result(broker.send(counter, new Get()))).isEqualTo(1);
            assertThat(result(broker.send(counter, new Quad(3)))).isEqualTo(4);
        }
    }

    private static CompletionStage<Integer> completed(int n) {
        return CompletableFuture.completedFuture(n);
    }

    @Test
    void twoSpawnsOfOneStatefulBehaviorDoNotShareState() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Behavior<Message<?>> counter = Behaviors.withState(() -> {
            made.incrementAndGet();
            return new Counter();
        }).onTell(Increment.class, (c, i) -> c.n++).on(Get.class, (c, g) -> c.n).build();
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId a = system.spawn(counter).id();
            ActorId b = system.spawn(counter).id();
            for (int i = 0; i < 3; i++) {
                broker.trySend(a, new Increment());
            }
            broker.trySend(b, new Increment());
            assertThat(result(broker.send(a, new Get()))).isEqualTo(3);
            assertThat(result(broker.send(b, new Get()))).isEqualTo(1);
            assertThat(made).hasValue(2);
        }
    }

    @Test
    void restartAfterAFailureGivesFreshStateAndResumeKeepsIt() throws Exception {
        for (Directive d : List.of(Directive.RESTART, Directive.RESUME)) {
            List<String> lifecycle = new CopyOnWriteArrayList<>();
            Behavior<Message<?>> counter = Behaviors.withState(Counter::new)
                    .onTell(Increment.class, (c, i) -> c.n++)
                    .on(Get.class, (c, g) -> c.n)
                    .onTell(Crash.class, (c, x) -> {
                        throw new IllegalStateException("crash at " + c.n);
                    })
                    .onStart((ctx, c) -> lifecycle.add("start " + c.n))
                    .onStop((ctx, c) -> lifecycle.add("stop " + c.n))
                    .onFailure(d)
                    .build();
            try (ActorSystem system = ActorSystem.create()) {
                MessageBroker broker = system.broker();
                ActorId id = system.spawn(counter).id();
                broker.trySend(id, new Increment());
                broker.trySend(id, new Increment());
                CompletableFuture<Void> crash = broker.send(id, new Crash());
                assertThatThrownBy(() -> result(crash)).hasCauseInstanceOf(io.airssys.rt.broker.ActorFailedException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class);
                int after = result(broker.send(id, new Get()));
                if (d == Directive.RESTART) {
                    assertThat(after).isZero();
                    assertThat(lifecycle).containsExactly("start 0", "stop 2", "start 0");
                } else {
                    assertThat(after).isEqualTo(2);
                    assertThat(lifecycle).containsExactly("start 0");
                }
            }
        }
    }

    @Test
    void aStatelessBuildSharesOneInstanceAcrossSpawnsAndRestarts() throws Exception {
        // Documented: receive()...build() hands out one actor, so captured state is shared and
        // a RESTART resets none of it. withState is the way to per-actor state.
        AtomicInteger shared = new AtomicInteger();
        Behavior<Message<?>> b = Behaviors.receive()
                .onTell(Increment.class, i -> shared.incrementAndGet())
                .on(Get.class, g -> shared.get())
                .onTell(Crash.class, x -> {
                    throw new IllegalStateException("crash");
                })
                .onFailure(Directive.RESTART)
                .build();
        assertThat(b.factory().get()).isSameAs(b.factory().get());
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId x = system.spawn(b).id();
            ActorId y = system.spawn(b).id();
            broker.trySend(x, new Increment());
            broker.trySend(y, new Increment());
            // NOTE: y runs on its own; a request to y after its Increment (per-sender FIFO) waits
            // until y has counted, so x's Get below cannot race y's increment (it did once in CI)
            assertThat(result(broker.send(y, new Get()))).isGreaterThanOrEqualTo(1);
            CompletableFuture<Void> crash = broker.send(x, new Crash());
            assertThatThrownBy(() -> result(crash)).hasCauseInstanceOf(io.airssys.rt.broker.ActorFailedException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class);
            assertThat(result(broker.send(x, new Get()))).isEqualTo(2);
        }
    }

    @Test
    void aStateFactoryThatReturnsNullFailsClearly() {
        assertThatThrownBy(() -> Behaviors.withState(() -> null).build().factory().get())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("state factory returned null");
    }
}
