package io.airssys.rt.internal.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.internal.delivery.Outcomes;
import io.airssys.rt.internal.delivery.ReplyGather;
import io.airssys.rt.internal.timer.BrokerTimeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One message to many mailboxes (broadcast, broadcastFilter, publish), with every target's
 * reply gathered into one list in target order.
 *
 * <p>All envelopes are made before the first is enqueued, and one timer covers the whole
 * broadcast (not one per target): when it fires, every envelope that has not started or
 * answered expires. A target whose mailbox refuses the message gets its typed error in its slot
 * and its envelope is dead-lettered; the others are unaffected.
 */
public final class Fanout {

    private final Outcomes outcomes;
    private final BrokerTimeouts timeouts;
    private final Refusals refusals;
    private final int joinSpinMicros;

    /**
     * Creates the fan-out of one broker.
     *
     * @param outcomes       counters and dead letters
     * @param timeouts       the timing wheel
     * @param refusals       the broker's errors
     * @param joinSpinMicros how long a caller's {@code join()} spins before parking
     */
    public Fanout(Outcomes outcomes, BrokerTimeouts timeouts, Refusals refusals, int joinSpinMicros) {
        this.outcomes = outcomes;
        this.timeouts = timeouts;
        this.refusals = refusals;
        this.joinSpinMicros = joinSpinMicros;
    }

    /**
     * Sends {@code message} to every target and gathers the replies.
     *
     * @param message      the message
     * @param targets      the mailboxes, in the order the replies are listed
     * @param timeoutNanos the timeout of the whole broadcast, 0 for none
     * @param priority     the priority
     * @param headers      the sender's headers
     * @param <R>          the result type
     * @return the replies, in target order
     */
    public <R> CompletableFuture<List<Reply<R>>> gather(Message<R> message, List<MpscMailbox<?>> targets,
                                                        long timeoutNanos, Priority priority,
                                                        Map<String, String> headers) {
        int n = targets.size();
        ReplyGather<R> gather = new ReplyGather<>(n, joinSpinMicros);
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Envelope e = gather.envelope(i, targets.get(i).id(), message, priority, now, headers);
            if (timeoutNanos > 0) {
                e.deadlineAfter(timeoutNanos);
            }
        }
        if (n > 0 && timeoutNanos > 0) {
            try {
                gather.timeoutTask(timeouts.schedule(() -> timeOutAll(gather, timeoutNanos), timeoutNanos));
            } catch (IllegalStateException schedulerRejected) {
                return CompletableFuture.failedFuture(refusals.brokerClosed() ? Refusals.closedError(null,
                        "broadcast " + message.getClass().getSimpleName()) : schedulerRejected); // nothing was sent
            }
        }
        outcomes.sent(n);
        Instrumentation hooks = outcomes.hooks();
        for (int i = 0; i < n; i++) {
            MpscMailbox<?> m = targets.get(i);
            Envelope e = gather.envelope(i);
            if (hooks != null) {
                e.token(hooks.onSend(gather.actorId(i), message, priority, e.headers()));
            }
            int result = m.offer(e, true);
            if (result != MpscMailbox.ACCEPTED && result != MpscMailbox.PARKED) {
                ActorId id = gather.actorId(i);
                DeliveryException error = refusals.rejected(result, id, message, m);
                e.retireUndelivered(error, Refusals.reasonOf(error), new DeadLetter.ToActor(id), outcomes);
            }
        }
        return gather;
    }

    private static void timeOutAll(ReplyGather<?> gather, long nanos) {
        Duration timeout = Duration.ofNanos(nanos);
        for (int i = 0; i < gather.size(); i++) {
            gather.envelope(i).expire(gather.actorId(i), timeout);
        }
    }

    /**
     * Returns the targets' ids (built only when a listener wants them).
     *
     * @param targets the mailboxes
     * @return their ids, unmodifiable
     */
    public static List<ActorId> idsOf(List<MpscMailbox<?>> targets) {
        List<ActorId> ids = new ArrayList<>(targets.size());
        for (MpscMailbox<?> m : targets) {
            ids.add(m.actorId());
        }
        return Collections.unmodifiableList(ids);
    }
}
