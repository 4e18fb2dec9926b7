package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What both broker contracts share: the test protocol, the worker behavior that handles it, and
 * the helpers that wait for and inspect outcomes. Not a contract itself; extend
 * {@link MessageBrokerContract} or {@link LocalBrokerContract}.
 *
 * <p>Every message of the protocol is plain data (a record of strings and numbers), so that a
 * broker with a codec can carry it to another JVM. What a test must share with an actor's
 * handler (a gate that keeps the handler busy, a {@link Probe} that counts what it saw) lives in
 * the test instance and the behavior, which are local code, never in a message: {@link Hold}
 * names a gate of {@link #gates}, and the worker looks it up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BrokerContractSupport {

    /** How long a test waits for something that should happen promptly. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    /** The gates {@link Hold} messages name; owned by this test instance. */
    protected final Gates gates = new Gates();

    /** Only the two contracts extend this class. */
    BrokerContractSupport() {
    }

    /**
     * Returns the broker the test sends through (for a multi-node broker: the sender's node).
     *
     * @return the sending broker
     */
    protected abstract MessageBroker sender();

    // ------------------------------------------------------------------ test protocol

    /**
     * Replies with {@code n + 1}.
     *
     * @param n the number
     */
    public record Increment(int n) implements Message<Integer> {
    }

    /**
     * Replies with the text.
     *
     * @param text what comes back
     */
    public record Echo(String text) implements Message<String> {
    }

    /**
     * Fire-and-forget: counted by the receiving actor, which checks that each sender's
     * sequence numbers arrive in order.
     *
     * @param sender the sending thread's number, {@code 0 <= sender < 64}
     * @param seq    that sender's sequence number, from 1
     */
    public record Tick(int sender, int seq) implements Message<Void> {
    }

    /**
     * Blocks the actor until the test opens the named gate of {@link #gates}, then replies
     * "released".
     *
     * @param gate the gate's name
     */
    public record Hold(String gate) implements Message<String> {
    }

    /**
     * The handler throws {@link IllegalStateException} with this text.
     *
     * @param why the exception's message
     */
    public record Explode(String why) implements Message<String> {
    }

    /**
     * The handler returns a stage that fails with {@link IllegalStateException} with this text.
     *
     * @param why the exception's message
     */
    public record ExplodeLater(String why) implements Message<String> {
    }

    /** No actor of this suite handles it. */
    public record Nobody() implements Message<String> {
    }

    /**
     * Appends its tag to the actor's notes, replies with the tag.
     *
     * @param tag the tag
     */
    public record Note(String tag) implements Message<String> {
    }

    /**
     * Replies with the value of the sender's header {@code name}, or {@code "<none>"}.
     *
     * @param name the header
     */
    public record Header(String name) implements Message<String> {
    }

    /**
     * Fire-and-forget: the actor appends {@code "tick:" + tag} to its notes.
     *
     * @param tag the tag
     */
    public record TaggedTick(String tag) implements Message<Void> {
    }

    /**
     * Every message type the contracts send, for a broker whose codec needs them registered
     * (their replies are {@code Integer}, {@code String} or {@code null}).
     *
     * @return the message classes
     */
    public static List<Class<? extends Message<?>>> messageTypes() {
        return List.of(Increment.class, Echo.class, Tick.class, Hold.class, Explode.class, ExplodeLater.class,
                Nobody.class, Note.class, Header.class, TaggedTick.class);
    }

    /**
     * Named one-shot gates that a test opens and an actor's handler waits on. A gate exists from
     * the first time either side names it, so the order of "open" and "wait" does not matter.
     */
    protected static final class Gates {
        private final Map<String, CountDownLatch> latches = new ConcurrentHashMap<>();
        private final AtomicLong names = new AtomicLong();

        /** No gate yet. */
        public Gates() {
        }

        /**
         * Returns a name no gate of this instance has yet.
         *
         * @return a fresh gate name
         */
        public String newGate() {
            return "gate-" + names.incrementAndGet();
        }

        /**
         * Opens a gate: every handler waiting on it, now or later, goes on.
         *
         * @param name the gate
         */
        public void open(String name) {
            latch(name).countDown();
        }

        /**
         * Waits until the gate is open, at most {@link #PATIENCE}.
         *
         * @param name the gate
         * @throws IllegalStateException if the test never opened it in time
         */
        public void awaitOpen(String name) {
            try {
                if (!latch(name).await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("test never opened gate " + name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for gate " + name, e);
            }
        }

        private CountDownLatch latch(String name) {
            return latches.computeIfAbsent(name, n -> new CountDownLatch(1));
        }
    }

    /** Counts what an actor of this suite saw. */
    protected static final class Probe {
        /** Messages processed. */
        public final AtomicInteger processed = new AtomicInteger();
        /** Ticks processed. */
        public final AtomicInteger ticks = new AtomicInteger();
        /** Set when two handler calls overlapped. */
        public final AtomicReference<String> violation = new AtomicReference<>();
        /** Tags of {@link Note}s in processing order. */
        public final List<String> notes = new CopyOnWriteArrayList<>();
        private final AtomicInteger inside = new AtomicInteger();
        private final int[] lastSeq = new int[64];

        /** Nothing seen yet. */
        public Probe() {
        }

        void enter() {
            if (inside.incrementAndGet() != 1) {
                violation.compareAndSet(null, "two handler calls overlapped");
            }
            processed.incrementAndGet();
        }

        void exit() {
            inside.decrementAndGet();
        }

        void tick(Tick t) {
            // single-threaded by contract: plain array is safe if isolation holds (checked by enter)
            if (t.seq() != lastSeq[t.sender()] + 1) {
                violation.compareAndSet(null, "sender " + t.sender() + " seq " + t.seq()
                        + " after " + lastSeq[t.sender()]);
            }
            lastSeq[t.sender()] = t.seq();
            ticks.incrementAndGet();
        }
    }

    /**
     * Returns a behavior that handles this suite's protocol, records into {@code probe} and waits
     * on this instance's {@link #gates}.
     *
     * @param probe where to record
     * @return the behavior
     */
    protected Behavior<Message<?>> worker(Probe probe) {
        return Behaviors.receive()
                .on(Increment.class, m -> {
                    probe.enter();
                    try {
                        return m.n() + 1;
                    } finally {
                        probe.exit();
                    }
                })
                .on(Echo.class, m -> {
                    probe.enter();
                    probe.exit();
                    return m.text();
                })
                .onTell(Tick.class, t -> {
                    probe.enter();
                    try {
                        probe.tick(t);
                    } finally {
                        probe.exit();
                    }
                })
                .on(Hold.class, h -> {
                    probe.enter();
                    try {
                        gates.awaitOpen(h.gate());
                        return "released";
                    } finally {
                        probe.exit();
                    }
                })
                .on(Note.class, n -> {
                    probe.enter();
                    probe.notes.add(n.tag());
                    probe.exit();
                    return n.tag();
                })
                .on(Header.class, (ctx, h) -> {
                    probe.enter();
                    probe.exit();
                    return ctx.headers().getOrDefault(h.name(), "<none>");
                })
                .onTell(TaggedTick.class, t -> {
                    probe.enter();
                    probe.notes.add("tick:" + t.tag());
                    probe.exit();
                })
                .on(Explode.class, m -> {
                    probe.enter();
                    probe.exit();
                    throw new IllegalStateException(m.why());
                })
                .onAsync(ExplodeLater.class, (ctx, m) ->
                        CompletableFuture.<String>failedFuture(new IllegalStateException(m.why())))
                .build();
    }

    /**
     * A request parked inside an actor's handler until {@link #release()}.
     *
     * @param gate  the gate the handler waits on
     * @param reply the request's future
     * @param gates where the gate lives
     */
    protected record Held(String gate, CompletableFuture<String> reply, Gates gates) {
        /** Lets the handler finish. */
        public void release() {
            gates.open(gate);
        }
    }

    /**
     * Sends {@link Hold} through {@link #sender()} and waits until the actor is inside its
     * handler, so that later messages queue behind it.
     *
     * @param id    a worker
     * @param probe the worker's probe
     * @return the parked request
     */
    protected Held holdInsideHandler(ActorId id, Probe probe) {
        int before = probe.processed.get();
        String gate = gates.newGate();
        CompletableFuture<String> reply = sender().send(id, new Hold(gate));
        await().atMost(PATIENCE).until(() -> probe.processed.get() == before + 1);
        return new Held(gate, reply, gates);
    }

    // ------------------------------------------------------------------ outcomes

    /**
     * Returns what a failed future failed with.
     *
     * @param future a future that failed or will fail soon
     * @return the cause
     */
    protected static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("future did not fail in time: " + future, e);
        }
        throw new AssertionError("future succeeded: " + future.join());
    }

    /**
     * Returns the {@link SendError} a future failed with.
     *
     * @param future a future that fails with a {@link SendException}
     * @return its error
     */
    protected static SendError sendErrorOf(CompletableFuture<?> future) {
        Throwable t = failureOf(future);
        assertThat(t).isInstanceOf(SendException.class);
        return ((SendException) t).error();
    }

    /**
     * Waits for a future's value.
     *
     * @param f   the future
     * @param <T> its type
     * @return its value
     */
    protected static <T> T result(CompletableFuture<T> f) {
        try {
            return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Asserts that {@code failure} is a handler failure of {@code actorId} on {@code messageType}
     * that says it was the {@link IllegalStateException} the suite's handlers throw with
     * {@code why}: everything a broker can carry between JVMs (strings, no cause object).
     *
     * @param failure     what the caller saw
     * @param actorId     the actor whose handler failed
     * @param messageType the simple name of the message's class
     * @param why         the handler exception's message
     */
    protected static void assertActorFailed(Throwable failure, ActorId actorId, String messageType, String why) {
        assertThat(failure).isInstanceOfSatisfying(ActorFailedException.class, e -> {
            assertThat(e.actorId()).isEqualTo(actorId);
            assertThat(e.messageType()).isEqualTo(messageType);
            assertThat(e.causeClassName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(e.causeMessage()).isEqualTo(why);
            assertThat(e.code()).isEqualTo(ActorFailedException.CODE);
        });
    }

    /**
     * Asserts {@link #assertActorFailed} and, in addition, that the failure's cause is the
     * handler's own {@link IllegalStateException} (only a handler in the caller's JVM can give it).
     *
     * @param failure     what the caller saw
     * @param actorId     the actor whose handler failed
     * @param messageType the simple name of the message's class
     * @param why         the handler exception's message
     */
    protected static void assertActorFailedWithCause(Throwable failure, ActorId actorId, String messageType,
                                                     String why) {
        assertActorFailed(failure, actorId, messageType, why);
        assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class).hasMessage(why);
    }

    /**
     * Asserts the one signal for a closed broker: {@link BrokerException} with
     * {@link BrokerError#BROKER_CLOSED}.
     *
     * @param failure what the caller saw (thrown, or the cause of a failed future)
     */
    protected static void assertBrokerClosed(Throwable failure) {
        assertThat(failure).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.error()).isEqualTo(BrokerError.BROKER_CLOSED);
            assertThat(e.isBrokerClosed()).isTrue();
            assertThat(e.getMessage()).contains("closed");
        });
    }
}
