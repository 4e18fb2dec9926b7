package io.airssys.rt.testkit;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link Instrumentation} that records every hook call, in order, for tests: what was sent,
 * processed and retired, with the tokens it handed out, so a test can check that each send got
 * exactly one outcome and that the tokens came back unchanged.
 *
 * <p>Each {@link #onSend} returns a new {@link SendToken}; each {@link #onProcessStart} a new
 * {@link ProcessToken}. Thread-safe.
 *
 * <pre>{@code
 * RecordingInstrumentation hooks = new RecordingInstrumentation();
 * InMemoryMessageBroker broker = InMemoryMessageBroker.builder().instrumentation(hooks).build();
 * ...
 * assertThat(hooks.outcomesOf(hooks.sends().get(0))).extracting(Event.Retired::outcome)
 *         .containsExactly(Outcome.REPLIED);
 * }</pre>
 */
public final class RecordingInstrumentation implements Instrumentation {

    /** One recorded hook call. */
    public sealed interface Event {

        /**
         * {@link Instrumentation#onSend}.
         *
         * @param token    the token returned
         * @param target   the target, or {@code null}
         * @param message  the message
         * @param priority its priority
         * @param headers  the sender's headers
         */
        record Sent(SendToken token, ActorId target, Object message, Priority priority,
                    Map<String, String> headers) implements Event {
        }

        /**
         * {@link Instrumentation#onProcessStart}.
         *
         * @param token       the process token returned
         * @param actor       the actor
         * @param message     the message
         * @param sendToken   the send token it received
         * @param queuedNanos the time queued it was told
         * @param thread      the thread it ran on
         */
        record Started(ProcessToken token, ActorId actor, Object message, Object sendToken, long queuedNanos,
                       Thread thread) implements Event {
        }

        /**
         * {@link Instrumentation#onProcessEnd}.
         *
         * @param processToken    the process token it received
         * @param actor           the actor
         * @param message         the message
         * @param processingNanos the processing time it was told
         * @param failure         the handler's failure, or {@code null}
         * @param thread          the thread it ran on
         */
        record Ended(Object processToken, ActorId actor, Object message, long processingNanos, Throwable failure,
                     Thread thread) implements Event {
        }

        /**
         * {@link Instrumentation#onOutcome}.
         *
         * @param sendToken the send token it received
         * @param message   the message
         * @param outcome   the outcome
         * @param error     the error, or {@code null}
         */
        record Retired(Object sendToken, Object message, Outcome outcome, Throwable error) implements Event {
        }

        /**
         * {@link Instrumentation#onRegister}.
         *
         * @param actor the actor
         */
        record Registered(ActorId actor) implements Event {
        }

        /**
         * {@link Instrumentation#onUnregister}.
         *
         * @param actor the actor
         */
        record Unregistered(ActorId actor) implements Event {
        }
    }

    /**
     * The token {@link #onSend} hands out.
     *
     * @param seq    its number, from 1 in send order
     * @param target the target it was sent to, or {@code null}
     */
    public record SendToken(long seq, ActorId target) {
    }

    /**
     * The token {@link #onProcessStart} hands out.
     *
     * @param seq its number, from 1 in start order
     */
    public record ProcessToken(long seq) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Event> events = new ArrayList<>();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong starts = new AtomicLong();

    /** Creates an instrumentation with nothing recorded. */
    public RecordingInstrumentation() {
    }

    private void add(Event e) {
        lock.lock();
        try {
            events.add(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
        SendToken token = new SendToken(sends.incrementAndGet(), target);
        add(new Event.Sent(token, target, message, priority, headers));
        return token;
    }

    @Override
    public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
        ProcessToken token = new ProcessToken(starts.incrementAndGet());
        add(new Event.Started(token, actor, message, sendToken, queuedNanos, Thread.currentThread()));
        return token;
    }

    @Override
    public void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                             Throwable failure) {
        add(new Event.Ended(processToken, actor, message, processingNanos, failure, Thread.currentThread()));
    }

    @Override
    public void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
        add(new Event.Retired(sendToken, message, outcome, error));
    }

    @Override
    public void onRegister(ActorId actor) {
        add(new Event.Registered(actor));
    }

    @Override
    public void onUnregister(ActorId actor) {
        add(new Event.Unregistered(actor));
    }

    /**
     * Returns every event so far, in the order the hooks were called.
     *
     * @return a copy
     */
    public List<Event> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the events of one kind, in order.
     *
     * @param kind the event class, e.g. {@code Event.Sent.class}
     * @param <E>  the kind
     * @return a copy
     */
    public <E extends Event> List<E> events(Class<E> kind) {
        Objects.requireNonNull(kind, "kind");
        return events().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * Returns the sends so far, in order.
     *
     * @return a copy
     */
    public List<Event.Sent> sends() {
        return events(Event.Sent.class);
    }

    /**
     * Returns the outcomes reported with {@code send}'s token (the same instance), in order.
     *
     * @param send a recorded send
     * @return its outcomes; exactly one once the message is retired
     */
    public List<Event.Retired> outcomesOf(Event.Sent send) {
        return events(Event.Retired.class).stream().filter(r -> r.sendToken() == send.token()).toList();
    }

    /**
     * Returns the process starts of {@code send}'s message (told its token, the same instance).
     *
     * @param send a recorded send
     * @return its starts; at most one
     */
    public List<Event.Started> startsOf(Event.Sent send) {
        return events(Event.Started.class).stream().filter(s -> s.sendToken() == send.token()).toList();
    }

    /** Forgets everything recorded so far (token numbers go on). */
    public void clear() {
        lock.lock();
        try {
            events.clear();
        } finally {
            lock.unlock();
        }
    }
}
