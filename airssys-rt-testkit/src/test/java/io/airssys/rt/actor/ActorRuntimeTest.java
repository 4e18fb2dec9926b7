package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.testkit.ManualExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActorRuntimeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    // ---- a sealed protocol handled with an exhaustive switch
    sealed interface Account permits Deposit, Balance, Crash {
    }

    record Deposit(double amount) implements Account, Message<Void> {
    }

    record Balance() implements Account, Message<Double> {
    }

    record Crash() implements Account, Message<Void> {
    }

    /** Counts instances so restarts are visible. */
    static final class AccountActor implements Actor<Account> {
        private final List<String> log;
        private final Directive onCrash;
        private double balance;

        AccountActor(List<String> log, Directive onCrash) {
            this.log = log;
            this.onCrash = onCrash;
        }

        @Override
        public Handled receive(ActorContext ctx, Account message) {
            return switch (message) {
                case Deposit d -> {
                    balance += d.amount();
                    yield Handled.done(d);
                }
                case Balance b -> Handled.reply(b, balance);
                case Crash c -> throw new IllegalStateException("crash requested");
            };
        }

        @Override
        public void preStart(ActorContext ctx) {
            log.add("start " + ctx.self().asLong());
        }

        @Override
        public void postStop(ActorContext ctx) {
            log.add("stop " + ctx.self().asLong());
        }

        @Override
        public Directive onFailure(ActorContext ctx, Object message, Throwable error) {
            log.add("failure " + error.getMessage());
            return onCrash;
        }
    }

    private static Behavior<Account> account(List<String> log, Directive onCrash) {
        return Behavior.of(Account.class, () -> new AccountActor(log, onCrash));
    }

    private static <T> T result(CompletableFuture<T> f) throws Exception {
        return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aSealedProtocolActorKeepsStateAndRunsLifecycleHooksInOrder() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ActorSystem system = ActorSystem.create()) {
            ActorId id = system.spawn(ActorId.of(7), account(log, Directive.RESUME), Mailbox.bounded(100)).id();
            system.broker().trySend(id, new Deposit(100));
            system.broker().trySend(id, new Deposit(25.5));
            assertThat(result(system.broker().send(id, new Balance()))).isEqualTo(125.5);
            system.broker().unregister(id);
            await().atMost(PATIENCE).until(() -> log.contains("stop 7"));
        }
        assertThat(log).containsExactly("start 7", "stop 7");
    }

    @Test
    void resumeKeepsStateRestartMakesAFreshInstanceStopUnregisters() throws Exception {
        for (Directive d : Directive.values()) {
            List<String> log = new CopyOnWriteArrayList<>();
            try (ActorSystem system = ActorSystem.create()) {
                BrokerNode broker = system.broker();
                ActorId id = system.spawn(ActorId.of(1), account(log, d), Mailbox.unbounded()).id();
                broker.trySend(id, new Deposit(10));
                CompletableFuture<Void> crash = broker.send(id, new Crash());
                assertThatThrownBy(() -> result(crash)).cause().isInstanceOf(ActorFailedException.class)
                        .cause().isInstanceOf(IllegalStateException.class);
                CompletableFuture<Double> after = broker.send(id, new Balance());
                switch (d) {
                    case RESUME -> {
                        assertThat(result(after)).isEqualTo(10.0);
                        assertThat(log).containsExactly("start 1", "failure crash requested");
                    }
                    case RESTART -> {
                        assertThat(result(after)).isEqualTo(0.0); // fresh instance, queue kept
                        assertThat(log).containsExactly("start 1", "failure crash requested", "stop 1", "start 1");
                    }
                    case STOP -> {
                        assertThatThrownBy(() -> result(after)).cause().isInstanceOfSatisfying(SendException.class,
                                e -> assertThat(e.error()).isIn(SendError.ACTOR_STOPPED, SendError.ACTOR_NOT_FOUND));
                        await().atMost(PATIENCE).until(() -> !broker.isRegistered(id));
                        await().atMost(PATIENCE).until(() -> log.contains("stop 1"));
                    }
                }
            }
        }
    }

    @Test
    void anActorCanStopItselfAndLearnItsOwnId() throws Exception {
        record Quit() implements Message<Long> {
        }
        try (ActorSystem system = ActorSystem.create()) {
            BrokerNode broker = system.broker();
            ActorId id = system.spawn(Behaviors.receive().on(Quit.class, (ctx, q) -> {
                ctx.stop();
                return ctx.self().asLong();
            }).build()).id();
            assertThat(result(broker.send(id, new Quit()))).isEqualTo(id.asLong());
            await().atMost(PATIENCE).until(() -> !broker.isRegistered(id));
            CompletableFuture<Long> late = broker.send(id, new Quit());
            assertThatThrownBy(() -> result(late)).cause().isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_NOT_FOUND));
        }
    }

    @Test
    void aFailingPreStartStopsTheActorAndFailsWhatWasQueued() throws Exception {
        record Hi() implements Message<String> {
        }
        try (ActorSystem system = ActorSystem.create()) {
            BrokerNode broker = system.broker();
            Mailbox<Message<?>> mb = Mailbox.unbounded();
            ActorId id = ActorId.newId();
            broker.register(id, mb);
            CompletableFuture<String> queued = broker.send(id, new Hi());
            system.attach(Behaviors.receive().on(Hi.class, h -> "hi").onStart(ctx -> {
                throw new IllegalStateException("no database");
            }).build(), mb);
            assertThatThrownBy(() -> result(queued)).cause().isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_STOPPED));
            await().atMost(PATIENCE).until(() -> !broker.isRegistered(id));
        }
    }

    @Test
    void anActorRepliesLaterWithoutBlockingItself() throws Exception {
        record Ask(String q) implements Message<String> {
        }
        record Ping() implements Message<String> {
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        try (ActorSystem system = ActorSystem.create()) {
            BrokerNode broker = system.broker();
            ActorId id = system.spawn(Behaviors.receive()
                    .onAsync(Ask.class, (ctx, a) -> answer.thenApply(x -> a.q() + "=" + x))
                    .on(Ping.class, p -> "pong")
                    .build()).id();
            CompletableFuture<String> pending = broker.send(id, new Ask("q"));
            assertThat(result(broker.send(id, new Ping()))).isEqualTo("pong"); // the actor is free
            assertThat(pending).isNotDone();
            answer.complete("42");
            assertThat(result(pending)).isEqualTo("q=42");
            await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
            assertThat(broker.metrics().totalDelivered()).isEqualTo(2);
        }
    }

    @Test
    void actorsTalkToEachOtherThroughTheirContext() throws Exception {
        record Double(int n) implements Message<Integer> {
        }
        record Quad(int n) implements Message<Integer> {
        }
        try (ActorSystem system = ActorSystem.create()) {
            ActorId doubler = system.spawn(Behaviors.receive().on(Double.class, d -> d.n() * 2).build()).id();
            ActorId quad = system.spawn(Behaviors.receive().onAsync(Quad.class, (ctx, q) ->
                    ctx.send(doubler, new Double(q.n())).thenCompose(x -> ctx.send(doubler, new Double(x)))).build()).id();
            assertThat(result(system.broker().send(quad, new Quad(5)))).isEqualTo(20);
        }
    }

    @Test
    void aBusyActorYieldsItsThreadAfterItsThroughputBudget() {
        record Work(String who) implements Message<Void> {
        }
        List<String> order = new ArrayList<>();
        ManualExecutor executor = new ManualExecutor();
        try (ActorSystem system = ActorSystem.builder().executor(executor).throughput(5).build()) {
            BrokerNode broker = system.broker();
            Behavior<Message<?>> recorder = Behaviors.receive().onTell(Work.class, w -> order.add(w.who())).build();
            ActorId busy = system.spawn(recorder).id();
            ActorId quiet = system.spawn(recorder).id();
            executor.runAll(); // both preStarts
            for (int i = 0; i < 20; i++) {
                broker.trySend(busy, new Work("busy"));
            }
            broker.trySend(quiet, new Work("quiet"));
            executor.runAll();
            assertThat(order).hasSize(21);
            assertThat(order.indexOf("quiet")).isEqualTo(5); // after one budget of 5, not after all 20
        }
    }

    @Test
    void blockingHandlersOnVirtualThreadsDoNotStallOtherActors() throws Exception {
        record Block(CountDownLatch latch) implements Message<String> {
        }
        record Hello() implements Message<String> {
        }
        try (ActorSystem system = ActorSystem.builder().virtualThreads().build()) {
            BrokerNode broker = system.broker();
            Behavior<Message<?>> b = Behaviors.receive()
                    .on(Block.class, k -> k.latch().await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS) ? "done" : "timeout")
                    .on(Hello.class, h -> "hello")
                    .build();
            CountDownLatch latch = new CountDownLatch(1);
            List<CompletableFuture<String>> blocked = new ArrayList<>();
            int cores = Runtime.getRuntime().availableProcessors();
            for (int i = 0; i < cores * 4; i++) {
                blocked.add(broker.send(system.spawn(b).id(), new Block(latch)));
            }
            ActorId free = system.spawn(b).id();
            assertThat(result(broker.send(free, new Hello()))).isEqualTo("hello");
            latch.countDown();
            for (CompletableFuture<String> f : blocked) {
                assertThat(result(f)).isEqualTo("done");
            }
        }
    }

    @Test
    void aHandlerMayJoinAnotherActorsReplyOnTheDefaultPool() throws Exception {
        record Inner() implements Message<Integer> {
        }
        record Outer() implements Message<Integer> {
        }
        try (ActorSystem system = ActorSystem.builder().threads(1).build()) {
            ActorId inner = system.spawn(Behaviors.receive().on(Inner.class, i -> 1).build()).id();
            ActorId outer = system.spawn(Behaviors.receive()
                    .on(Outer.class, (ctx, o) -> ctx.send(inner, new Inner()).join() + 1).build()).id();
            assertThat(result(system.broker().send(outer, new Outer()))).isEqualTo(2);
        }
    }

    @Test
    void aHandlerReturningNullFailsThatMessageWithAClearError() throws Exception {
        record Q() implements Message<String> {
        }
        try (ActorSystem system = ActorSystem.create()) {
            ActorId id = system.spawn(Behavior.of(Q.class, () -> (ctx, q) -> null)).id();
            CompletableFuture<String> f = system.broker().send(id, new Q());
            assertThatThrownBy(() -> result(f)).cause().isInstanceOf(ActorFailedException.class)
                    .cause().isInstanceOf(NullPointerException.class).hasMessageContaining("Handled");
        }
    }

    @Test
    void aMessageOutsideTheProtocolFailsWithRoutingFailed() throws Exception {
        record Stranger() implements Message<String> {
        }
        List<String> log = new CopyOnWriteArrayList<>();
        try (ActorSystem system = ActorSystem.create()) {
            ActorId id = system.spawn(account(log, Directive.RESUME)).id();
            CompletableFuture<String> f = system.broker().send(id, new Stranger());
            assertThatThrownBy(() -> result(f)).cause().isInstanceOf(BrokerException.class)
                    .hasMessageContaining("Stranger").hasMessageContaining("Account");
        }
    }

    @Test
    void anExecutorThatRejectsStopsTheActorInsteadOfLosingMessages() throws Exception {
        record Q() implements Message<String> {
        }
        AtomicInteger runs = new AtomicInteger();
        java.util.concurrent.Executor rejecting = task -> {
            if (runs.incrementAndGet() > 1) {
                throw new RejectedExecutionException("pool is shut down");
            }
            task.run();
        };
        try (ActorSystem system = ActorSystem.builder().executor(rejecting).build()) {
            BrokerNode broker = system.broker();
            ActorId id = system.spawn(Behaviors.receive().on(Q.class, q -> "ok").build()).id(); // run 1: preStart
            CompletableFuture<String> f = broker.send(id, new Q()); // run 2: rejected
            assertThatThrownBy(() -> result(f)).cause().isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_STOPPED));
            assertThat(broker.isRegistered(id)).isFalse();
            assertThat(broker.metrics().inFlight()).isZero();
        }
    }

    @Test
    void closingTheSystemLeavesNoThreadBehind() throws Exception {
        record Q() implements Message<String> {
        }
        for (int round = 0; round < 3; round++) {
            ActorSystem system = ActorSystem.create();
            ActorId id = system.spawn(Behaviors.receive().on(Q.class, q -> "ok").build()).id();
            assertThat(result(system.broker().send(id, new Q()))).isEqualTo("ok"); // starts the timer thread too
            system.close();
        }
        await().atMost(PATIENCE).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("airssys-rt-")));
    }

    @Test
    void builderOptionsAreCheckedAndSetOnce() {
        assertThatThrownBy(() -> ActorSystem.builder().throughput(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("throughput");
        assertThatThrownBy(() -> ActorSystem.builder().threads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> ActorSystem.builder().virtualThreads().executor(Runnable::run))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ActorSystem.builder().broker(new InMemoryMessageBroker())
                .broker(new InMemoryMessageBroker())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> InMemoryMessageBroker.builder().expectedActors(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryMessageBroker.builder().noDefaultTimeout().defaultTimeout(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> InMemoryMessageBroker.builder().defaultTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InMemoryMessageBroker.withCapacity(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void attachIsRefusedForUnregisteredClosedOrTakenMailboxes() {
        try (ActorSystem system = ActorSystem.create()) {
            Behavior<Message<?>> b = Behaviors.receive().build();
            Mailbox<Object> loose = Mailbox.unbounded();
            assertThatThrownBy(() -> system.attach(b, loose)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("register");
            Mailbox<Object> taken = Mailbox.unbounded();
            system.spawn(ActorId.newId(), b, taken);
            assertThatThrownBy(() -> system.attach(b, taken)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already attached");
            Mailbox<Object> closed = Mailbox.unbounded();
            ActorId id = ActorId.newId();
            system.broker().register(id, closed);
            system.broker().unregister(id);
            assertThatThrownBy(() -> system.attach(b, closed)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }
}
