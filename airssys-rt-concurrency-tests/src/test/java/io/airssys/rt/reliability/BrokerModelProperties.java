package io.airssys.rt.reliability;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.Topics;
import io.airssys.rt.testkit.ManualExecutor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of broker operations against a simple model: after every step the broker
 * answers what the model predicts. The actors run on a {@link ManualExecutor} that is drained
 * after each step, so every outcome is decided before the next step.
 */
class BrokerModelProperties {

    record Echo(int n) implements Message<Integer> {
    }

    record Note() implements Message<Void> {
    }

    sealed interface Op permits Register, Unregister, Send, TrySend, Broadcast, Subscribe, Publish, Close {
    }

    record Register(int id) implements Op {
    }

    record Unregister(int id) implements Op {
    }

    record Send(int id) implements Op {
    }

    record TrySend(int id) implements Op {
    }

    record Broadcast() implements Op {
    }

    record Subscribe(int id, String pattern) implements Op {
    }

    record Publish(String topic) implements Op {
    }

    record Close() implements Op {
    }

    private static final List<String> PATTERNS = List.of("a.b", "a.*", "a.>", "*.b", ">");
    private static final List<String> TOPICS = List.of("a.b", "a.c", "x.b", "a.b.c");

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> id = Arbitraries.integers().between(1, 4);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, id.map(Register::new)),
                net.jqwik.api.Tuple.of(2, id.map(Unregister::new)),
                net.jqwik.api.Tuple.of(4, id.map(Send::new)),
                net.jqwik.api.Tuple.of(3, id.map(TrySend::new)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Broadcast())),
                net.jqwik.api.Tuple.of(3, Combinators.combine(id, Arbitraries.of(PATTERNS)).as(Subscribe::new)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(TOPICS).map(Publish::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Close())));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void theBrokerBehavesLikeTheModel(@ForAll("operations") List<Op> ops) {
        ManualExecutor executor = new ManualExecutor();
        BrokerNode broker = InMemoryMessageBroker.builder().noDefaultTimeout().build();
        ActorSystem system = ActorSystem.builder().broker(broker).executor(executor).build();
        Set<Integer> registered = new LinkedHashSet<>();       // model: registration order
        Map<String, Integer> subscriptions = new LinkedHashMap<>(); // model: "id|pattern" in subscription order
        boolean closed = false;
        try {
            for (Op op : ops) {
                switch (op) {
                    case Register r -> {
                        try {
                            system.spawn(ActorId.of(r.id()), Behaviors.receive().on(Echo.class, Echo::n)
                                    .onTell(Note.class, n -> { }).build(), io.airssys.rt.mailbox.Mailbox.unbounded());
                            assertThat(closed || registered.contains(r.id())).as("register %s should fail", r).isFalse();
                            registered.add(r.id());
                        } catch (BrokerException e) {
                            if (closed) {
                                assertThat(e.error()).isEqualTo(BrokerError.BROKER_CLOSED);
                            } else {
                                assertThat(e.error()).isEqualTo(BrokerError.ALREADY_REGISTERED);
                                assertThat(registered).contains(r.id());
                            }
                        }
                    }
                    case Unregister u -> {
                        try {
                            broker.unregister(ActorId.of(u.id()));
                            assertThat(registered.remove(u.id())).isTrue();
                            subscriptions.keySet().removeIf(k -> k.startsWith(u.id() + "|"));
                        } catch (BrokerException e) {
                            assertThat(e.error()).isEqualTo(BrokerError.NOT_FOUND);
                            assertThat(registered).doesNotContain(u.id());
                        }
                    }
                    case Send s -> {
                        CompletableFuture<Integer> f = broker.send(ActorId.of(s.id()), new Echo(s.id()));
                        executor.runAll();
                        assertThat(f).isDone();
                        if (registered.contains(s.id())) {
                            assertThat(f.join()).isEqualTo(s.id());
                        } else if (closed) {
                            assertThat(f.exceptionNow()).isInstanceOfSatisfying(BrokerException.class,
                                    e -> assertThat(e.error()).isEqualTo(BrokerError.BROKER_CLOSED));
                        } else {
                            assertThat(((SendException) f.exceptionNow()).error()).isEqualTo(SendError.ACTOR_NOT_FOUND);
                        }
                    }
                    case TrySend t -> {
                        try {
                            broker.trySend(ActorId.of(t.id()), new Note());
                            assertThat(registered).contains(t.id());
                        } catch (SendException e) {
                            assertThat(closed).isFalse();
                            assertThat(registered).doesNotContain(t.id());
                        } catch (BrokerException e) {
                            assertThat(closed).isTrue();
                            assertThat(e.error()).isEqualTo(BrokerError.BROKER_CLOSED);
                        }
                    }
                    case Broadcast b -> {
                        CompletableFuture<List<Reply<Integer>>> f = broker.broadcast(new Echo(0));
                        executor.runAll();
                        if (closed) {
                            assertThat(f).isCompletedExceptionally();
                        } else {
                            assertThat(f.join()).extracting(r -> (int) r.actorId().asLong())
                                    .containsExactlyElementsOf(registered);
                        }
                    }
                    case Subscribe s -> {
                        try {
                            broker.subscribe(ActorId.of(s.id()), s.pattern());
                            assertThat(registered).contains(s.id());
                            subscriptions.putIfAbsent(s.id() + "|" + s.pattern(), s.id());
                        } catch (BrokerException e) {
                            assertThat(e.error()).isEqualTo(closed ? BrokerError.BROKER_CLOSED : BrokerError.NOT_FOUND);
                            assertThat(registered).doesNotContain(s.id());
                        }
                    }
                    case Publish p -> {
                        CompletableFuture<List<Reply<Integer>>> f = broker.publish(p.topic(), new Echo(1));
                        executor.runAll();
                        if (closed) {
                            assertThat(f).isCompletedExceptionally();
                        } else {
                            List<Integer> expected = new ArrayList<>();
                            subscriptions.forEach((k, v) -> {
                                String pattern = k.substring(k.indexOf('|') + 1);
                                if (Topics.matches(pattern, p.topic()) && !expected.contains(v)) {
                                    expected.add(v);
                                }
                            });
                            assertThat(f.join()).extracting(r -> (int) r.actorId().asLong())
                                    .containsExactlyElementsOf(expected);
                        }
                    }
                    case Close c -> {
                        broker.close();
                        closed = true;
                        registered.clear();
                        subscriptions.clear();
                    }
                }
                executor.runAll();
                assertThat(broker.registeredCount()).isEqualTo(registered.size());
            }
            BrokerMetrics m = broker.metrics();
            assertThat(m.inFlight()).isZero();
            assertThat(m.totalSent()).isEqualTo(m.totalDelivered() + m.totalFailed());
        } finally {
            system.close();
        }
    }
}
