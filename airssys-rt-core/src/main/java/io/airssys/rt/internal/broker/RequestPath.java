package io.airssys.rt.internal.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.internal.delivery.OneWayEnvelope;
import io.airssys.rt.internal.delivery.Outcomes;
import io.airssys.rt.internal.delivery.RequestEnvelope;
import io.airssys.rt.internal.delivery.RoutingTable;
import io.airssys.rt.internal.timer.BrokerTimeouts;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A message to one actor id: the request path ({@code send}, routed sends) and the
 * fire-and-forget path ({@code trySend}).
 *
 * <p>Each send counts itself as sent, tells the listeners, looks the id up (lock-free), and
 * enqueues. A request also arms its timeout first, so a timeout can never be missed by an
 * envelope that was already taken. Whatever refuses the message (no actor, a full or closed
 * mailbox, a scheduler that closed with the broker) retires the envelope exactly once: the
 * sender's future fails with the typed error, the message is counted as failed and goes to the
 * dead letter queue. Arguments are checked by the caller (the public facade). An instrumented
 * broker's {@code onSend} runs after the listeners and before the lookup; its token rides on the
 * envelope.
 */
public final class RequestPath {

    private final RoutingTable table;
    private final Outcomes outcomes;
    private final BrokerTimeouts timeouts;
    private final ListenerChain listeners;
    private final Refusals refusals;
    private final int joinSpinMicros;

    /**
     * Creates the path of one broker.
     *
     * @param table          the registry
     * @param outcomes       counters and dead letters
     * @param timeouts       the timing wheel
     * @param listeners      the listeners
     * @param refusals       the broker's errors
     * @param joinSpinMicros how long a caller's {@code join()} spins before parking
     */
    public RequestPath(RoutingTable table, Outcomes outcomes, BrokerTimeouts timeouts, ListenerChain listeners,
                       Refusals refusals, int joinSpinMicros) {
        this.table = table;
        this.outcomes = outcomes;
        this.timeouts = timeouts;
        this.listeners = listeners;
        this.refusals = refusals;
        this.joinSpinMicros = joinSpinMicros;
    }

    /**
     * Sends a request.
     *
     * @param actorId      the target
     * @param message      the message
     * @param timeoutNanos the timeout, 0 for none
     * @param priority     the priority
     * @param headers      the sender's headers
     * @param <R>          the result type
     * @return the caller's future
     */
    public <R> CompletableFuture<R> request(ActorId actorId, Message<R> message, long timeoutNanos,
                                            Priority priority, Map<String, String> headers) {
        RequestEnvelope e = Envelope.request(message, priority, joinSpinMicros, headers);
        outcomes.sent(1);
        listeners.current().onSend(actorId, message, priority);
        Instrumentation hooks = outcomes.hooks();
        if (hooks != null) {
            e.token(hooks.onSend(actorId, message, priority, e.headers()));
        }
        long t0 = outcomes.sampleStart();
        MpscMailbox<?> mb = table.get(actorId.asLong());
        long lookupNanos = t0 == 0L ? 0L : System.nanoTime() - t0;
        if (mb == null) {
            retire(e, refusals.notDelivered(actorId, message), actorId);
        } else {
            deliver(e, mb, actorId, message, timeoutNanos, lookupNanos);
        }
        return future(e);
    }

    /** Arms the timeout and enqueues; any refusal fails and dead-letters the envelope. */
    private void deliver(RequestEnvelope e, MpscMailbox<?> mb, ActorId actorId, Message<?> message, long timeoutNanos,
                         long lookupNanos) {
        try {
            if (timeoutNanos > 0) {
                e.deadlineAfter(timeoutNanos);
                e.timeoutTask(timeouts.schedule(() -> e.expire(actorId, Duration.ofNanos(timeoutNanos)),
                        timeoutNanos));
            }
        } catch (IllegalStateException schedulerRejected) { // the broker closed while we sent
            // not delivered, so a dead letter (never a handler failure): the actor never saw it
            RuntimeException error = refusals.brokerClosed() ? Refusals.closedError(actorId, "send "
                    + message.getClass().getSimpleName() + " to " + actorId) : schedulerRejected;
            e.retireUndelivered(error, DeadLetterReason.ACTOR_STOPPED, new DeadLetter.ToActor(actorId), outcomes);
            return;
        }
        // NOTE: the routing sample is the lookup plus the enqueue: the timer above and the
        // executor hand-off after the enqueue are left out (the start is shifted by the lookup).
        int result = mb.offer(e, true, lookupNanos == 0L ? 0L : System.nanoTime() - lookupNanos);
        if (result != MpscMailbox.ACCEPTED && result != MpscMailbox.PARKED) {
            retire(e, refusals.rejected(result, actorId, message, mb), actorId);
        }
    }

    /**
     * Sends a fire-and-forget message without waiting.
     *
     * @param actorId       the target
     * @param message       the message
     * @param deadlineNanos an explicit timeout (checked when the message would start), 0 for none
     * @param priority      the priority
     * @param headers       the sender's headers
     * @throws DeliveryException if the actor is not registered, its mailbox refused the message
     *                           (except a {@code DROP_NEWEST} drop, which returns quietly: the
     *                           message is in the dead letter queue) or the broker is closed
     */
    public void tell(ActorId actorId, Message<Void> message, long deadlineNanos, Priority priority,
                     Map<String, String> headers) {
        Instrumentation hooks = outcomes.hooks();
        // an instrumented broker reads the clock per message: its hooks are told the time queued
        OneWayEnvelope e = hooks == null ? Envelope.oneWay(message, priority, headers)
                : Envelope.oneWayStamped(message, priority, headers);
        if (deadlineNanos > 0) {
            e.deadlineAfter(deadlineNanos);
        }
        outcomes.sent(1);
        listeners.current().onSend(actorId, message, priority);
        if (hooks != null) {
            e.token(hooks.onSend(actorId, message, priority, e.headers()));
        }
        long t0 = outcomes.sampleStart();
        MpscMailbox<?> mb = table.get(actorId.asLong());
        DeliveryException error;
        int result;
        if (mb == null) {
            error = refusals.notDelivered(actorId, message);
            result = MpscMailbox.CLOSED_MAILBOX;
        } else {
            result = mb.offer(e, false, t0); // the sample ends once enqueued, before the actor is scheduled
            if (result == MpscMailbox.ACCEPTED) {
                return;
            }
            error = refusals.rejected(result, actorId, message, mb);
        }
        retire(e, error, actorId);
        if (result != MpscMailbox.DROPPED) {
            throw error;
        }
    }

    /**
     * A routed send that found no subscriber: counted, failed and dead-lettered under the topic.
     *
     * @param topic    the topic
     * @param message  the message
     * @param priority the priority
     * @param headers  the sender's headers
     * @param <R>      the result type
     * @return the caller's future, already failed
     */
    public <R> CompletableFuture<R> unroutable(String topic, Message<R> message, Priority priority,
                                               Map<String, String> headers) {
        RequestEnvelope e = Envelope.request(message, priority, joinSpinMicros, headers);
        outcomes.sent(1);
        Instrumentation hooks = outcomes.hooks();
        if (hooks != null) {
            e.token(hooks.onSend(null, message, priority, e.headers())); // no target: nobody subscribes
        }
        boolean isClosed = refusals.brokerClosed(); // closing removed every subscription: say why
        e.retireUndelivered(isClosed ? Refusals.closedError(null, "route " + message.getClass().getSimpleName()
                        + " to '" + topic + "'") : Refusals.noSubscriber(topic),
                isClosed ? DeadLetterReason.ACTOR_STOPPED : DeadLetterReason.NO_SUBSCRIBER,
                new DeadLetter.ToTopic(topic, false), outcomes);
        return future(e);
    }

    private void retire(Envelope e, DeliveryException error, ActorId actorId) {
        e.retireUndelivered(error, Refusals.reasonOf(error), new DeadLetter.ToActor(actorId), outcomes);
    }

    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<R> future(RequestEnvelope e) {
        return (CompletableFuture<R>) (CompletableFuture<?>) e.future();
    }
}
