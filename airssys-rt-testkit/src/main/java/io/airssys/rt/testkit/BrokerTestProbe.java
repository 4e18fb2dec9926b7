package io.airssys.rt.testkit;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Registration;
import io.airssys.rt.broker.BrokerListener;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records what a broker is asked to deliver, for tests (spec: {@code BrokerTestProbe}).
 *
 * <p>It listens through the public {@link BrokerListener} hook, so it works with any
 * {@link BrokerNode}, sees every send whatever its outcome, and needs no subclass or
 * reflection. Recording starts when the probe is created and stops at {@link #close()}.
 *
 * <pre>{@code
 * var broker = new InMemoryMessageBroker();
 * var probe = new BrokerTestProbe(broker);
 * broker.trySend(actorId, new TestMsg(1));
 * assertTrue(probe.assertSent(actorId, 1));
 * TestMsg m = probe.expectMessage(actorId, TestMsg.class, Duration.ofSeconds(1));
 * probe.expectNoMessage(actorId, Duration.ofMillis(100));
 * }</pre>
 *
 * <p>{@link #expectMessage} and {@link #expectNoMessage} work through the messages sent to an
 * actor in order, like a queue: each expectation consumes the message it matched.
 *
 * <h2>What the assertions count</h2>
 * <ul>
 *   <li>{@link #assertSent} counts every message addressed to the actor, by any send, routed
 *       send, broadcast or publish, whatever became of it: a send the broker refused (no such
 *       actor, actor stopped, mailbox full) counts too.</li>
 *   <li>{@link #assertAccepted} counts only the messages the broker did not refuse on arrival:
 *       the same messages minus those dead-lettered with {@code ACTOR_NOT_FOUND},
 *       {@code ACTOR_STOPPED} or {@code MAILBOX_FULL} by the sending thread while it was
 *       sending them. What happens after acceptance (timed out, cancelled, evicted by a newer
 *       message, the handler failed) does not make a message unaccepted.</li>
 *   <li>{@link #assertBroadcast} looks at the most recent broadcast only;
 *       {@link #assertAnyBroadcast} at every broadcast since the probe was created or reset.</li>
 * </ul>
 * Refusals are seen through the dead letter queue the broker has when the probe is created;
 * one set later with {@code deadLetterQueue(...)} is not observed. The listener hooks cannot
 * tell when a send call returns, so one case is misread: if a thread sends a message that is
 * accepted and then, before sending anything else, itself unregisters or stops that actor,
 * the message (dead-lettered {@code ACTOR_STOPPED} on that thread) counts as refused.
 */
public final class BrokerTestProbe implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<ActorId, List<Message<?>>> sent = new HashMap<>();
    private final Map<ActorId, Integer> consumed = new HashMap<>();
    private final List<List<ActorId>> broadcasts = new ArrayList<>();
    private final List<Published> publishes = new ArrayList<>();
    private final Map<ActorId, Integer> refused = new HashMap<>();
    /** The message this thread is sending, and to whom; a refusal is dead-lettered on this thread. */
    private final ThreadLocal<Sending> sending = new ThreadLocal<>();
    private final Registration registration;
    private final Registration deadLetterRegistration;

    private record Sending(Message<?> message, List<ActorId> targets) {
    }

    /**
     * A message published to a topic and the subscribers it was addressed to.
     *
     * @param topic   the topic
     * @param message the message
     * @param targets the subscribers
     */
    public record Published(String topic, Message<?> message, List<ActorId> targets) {
    }

    /**
     * Starts recording what {@code broker} is asked to deliver (spec: {@code BrokerTestProbe::new}).
     *
     * @param broker the broker to observe
     */
    public BrokerTestProbe(BrokerNode broker) {
        Objects.requireNonNull(broker, "broker");
        this.registration = broker.addListener(new BrokerListener() {
            @Override
            public void onSend(ActorId target, Message<?> message, Priority priority) {
                sending.set(new Sending(message, List.of(target)));
                record(target, message);
            }

            @Override
            public void onBroadcast(Message<?> message, List<ActorId> targets) {
                sending.set(new Sending(message, List.copyOf(targets)));
                lock.lock();
                try {
                    broadcasts.add(List.copyOf(targets));
                    targets.forEach(t -> sent.computeIfAbsent(t, k -> new ArrayList<>()).add(message));
                    arrived.signalAll();
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void onPublish(String topic, Message<?> message, List<ActorId> targets) {
                sending.set(new Sending(message, List.copyOf(targets)));
                lock.lock();
                try {
                    publishes.add(new Published(topic, message, List.copyOf(targets)));
                    targets.forEach(t -> sent.computeIfAbsent(t, k -> new ArrayList<>()).add(message));
                    arrived.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
        this.deadLetterRegistration = broker.deadLetters().listen(this::onDeadLetter);
    }

    /** Counts a refusal: a message dead-lettered on arrival by the thread that is sending it. */
    private void onDeadLetter(DeadLetter letter) {
        if (!(letter.target() instanceof DeadLetter.ToActor(ActorId target))) {
            return;
        }
        DeadLetterReason reason = letter.reason();
        if (reason != DeadLetterReason.ACTOR_NOT_FOUND && reason != DeadLetterReason.ACTOR_STOPPED
                && reason != DeadLetterReason.MAILBOX_FULL) {
            return;
        }
        Sending now = sending.get();
        if (now == null || now.message() != letter.message() || !now.targets().contains(target)) {
            return; // dead-lettered later (queued when its actor stopped) or by another thread
        }
        lock.lock();
        try {
            refused.merge(target, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
    }

    private void record(ActorId target, Message<?> message) {
        lock.lock();
        try {
            sent.computeIfAbsent(target, k -> new ArrayList<>()).add(message);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether exactly {@code count} messages were sent to an actor (by send, try-send,
     * routing, broadcast or publish), whatever became of them, refused sends included (spec:
     * {@code assert_sent}). To leave refused sends out, use {@link #assertAccepted}.
     *
     * @param actorId the actor
     * @param count   the expected number
     * @return {@code true} if that many were sent
     */
    public boolean assertSent(ActorId actorId, int count) {
        return sentTo(actorId).size() == count;
    }

    /**
     * Returns whether exactly {@code count} of the messages sent to an actor were accepted:
     * those {@link #assertSent} counts, minus those the broker refused on arrival (dead-lettered
     * with {@code ACTOR_NOT_FOUND}, {@code ACTOR_STOPPED} or {@code MAILBOX_FULL} on the sending
     * thread during the send). A message accepted and then timed out, cancelled, evicted or
     * failed by its handler still counts.
     *
     * @param actorId the actor
     * @param count   the expected number
     * @return {@code true} if that many were accepted
     */
    public boolean assertAccepted(ActorId actorId, int count) {
        Objects.requireNonNull(actorId, "actorId");
        lock.lock();
        try {
            int all = sent.getOrDefault(actorId, List.of()).size();
            return all - refused.getOrDefault(actorId, 0) == count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether the most recent broadcast was addressed to exactly
     * {@code expectedActors} actors (spec: {@code assert_broadcast}). Earlier broadcasts are
     * not looked at; see {@link #assertAnyBroadcast} and {@link #broadcasts()}.
     *
     * @param expectedActors the expected number of receivers
     * @return {@code true} if there was a broadcast and the latest one reached that many actors
     */
    public boolean assertBroadcast(int expectedActors) {
        lock.lock();
        try {
            return !broadcasts.isEmpty() && broadcasts.get(broadcasts.size() - 1).size() == expectedActors;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether any broadcast since the probe was created (or {@link #reset()}) was
     * addressed to exactly {@code expectedActors} actors.
     *
     * @param expectedActors the expected number of receivers
     * @return {@code true} if at least one broadcast reached that many actors
     */
    public boolean assertAnyBroadcast(int expectedActors) {
        lock.lock();
        try {
            return broadcasts.stream().anyMatch(b -> b.size() == expectedActors);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the messages sent to an actor, oldest first.
     *
     * @param actorId the actor
     * @return a copy
     */
    public List<Message<?>> sentTo(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        lock.lock();
        try {
            return List.copyOf(sent.getOrDefault(actorId, List.of()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the receivers of every broadcast, oldest first.
     *
     * @return a copy
     */
    public List<List<ActorId>> broadcasts() {
        lock.lock();
        try {
            return List.copyOf(broadcasts);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns every publish, oldest first.
     *
     * @return a copy
     */
    public List<Published> publishes() {
        lock.lock();
        try {
            return List.copyOf(publishes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next message sent to an actor and checks its type.
     *
     * @param actorId the actor
     * @param type    the expected type
     * @param timeout how long to wait
     * @param <M>     the type
     * @return the message
     * @throws AssertionError if none arrives in time or it has another type
     */
    public <M extends Message<?>> M expectMessage(ActorId actorId, Class<M> type, Duration timeout) {
        Objects.requireNonNull(type, "type");
        Message<?> next = awaitNext(actorId, timeout);
        if (next == null) {
            throw new AssertionError("expected a " + type.getSimpleName() + " to be sent to " + actorId
                    + " within " + timeout + ", but none was");
        }
        if (!type.isInstance(next)) {
            throw new AssertionError("expected a " + type.getSimpleName() + " to be sent to " + actorId
                    + ", but the next message was " + next);
        }
        return type.cast(next);
    }

    /**
     * Checks that no further message is sent to an actor within {@code duration}.
     *
     * @param actorId  the actor
     * @param duration how long to watch
     * @throws AssertionError if one is
     */
    public void expectNoMessage(ActorId actorId, Duration duration) {
        Message<?> next = awaitNext(actorId, duration);
        if (next != null) {
            throw new AssertionError("expected no message to " + actorId + " within " + duration + ", but got " + next);
        }
    }

    private Message<?> awaitNext(ActorId actorId, Duration timeout) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(timeout, "timeout");
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            for (;;) {
                List<Message<?>> mine = sent.getOrDefault(actorId, List.of());
                int used = consumed.getOrDefault(actorId, 0);
                if (mine.size() > used) {
                    consumed.put(actorId, used + 1);
                    return mine.get(used);
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = arrived.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a message to " + actorId, e);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets everything recorded so far; recording goes on. */
    public void reset() {
        lock.lock();
        try {
            sent.clear();
            consumed.clear();
            broadcasts.clear();
            publishes.clear();
            refused.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Stops recording. */
    @Override
    public void close() {
        registration.close();
        deadLetterRegistration.close();
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "BrokerTestProbe[" + sent.size() + " actors sent to, " + broadcasts.size() + " broadcasts]";
        } finally {
            lock.unlock();
        }
    }
}
