package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.Reply;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import io.airssys.rt.internal.timer.Timeout;

/**
 * Collects the outcomes of one broadcast, one slot per target in registration order, and
 * completes with the list of {@link Reply replies} when the last slot has an outcome.
 *
 * <p>Each envelope reports exactly once (only the call that decides its outcome reports), so
 * the countdown reaches zero exactly once, from whichever thread decided the last outcome.
 *
 * @param <R> the message's result type
 */
public final class ReplyGather<R> extends CompletableFuture<List<Reply<R>>> {

    private static final VarHandle REMAINING;

    static {
        try {
            REMAINING = MethodHandles.lookup().findVarHandle(ReplyGather.class, "remaining", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] ids;
    private final int spinMicros;
    private final RequestEnvelope[] envelopes;
    @SuppressWarnings("unused") // accessed through REMAINING
    private volatile int remaining;

    /** The broadcast's timeout task, or {@code null}. */
    private volatile Timeout timeoutTask;

    /**
     * Creates a gather for {@code targets} actors.
     *
     * @param targets    number of slots
     * @param spinMicros how long a caller's join spins before parking
     */
    public ReplyGather(int targets, int spinMicros) {
        this.spinMicros = spinMicros;
        this.ids = new long[targets];
        this.envelopes = new RequestEnvelope[targets];
        this.remaining = targets;
        if (targets == 0) {
            complete(List.of());
        }
    }

    /**
     * Creates the envelope for one slot. Call once per slot before any envelope is sent.
     *
     * @param slot    the slot, in registration order
     * @param actorId the target's id
     * @param message the broadcast message
     * @param priority  its priority
     * @param sentNanos {@code System.nanoTime()} of the broadcast call
     * @param headers   the sender's headers (immutable), or {@code null}
     * @return the envelope
     */
    public RequestEnvelope envelope(int slot, long actorId, Object message, Priority priority, long sentNanos,
                             java.util.Map<String, String> headers) {
        RequestEnvelope e = new RequestEnvelope(message, this, slot, priority, sentNanos, 0, headers);
        ids[slot] = actorId;
        envelopes[slot] = e;
        return e;
    }

    /**
     * Returns the number of slots.
     *
     * @return the number of targets
     */
    public int size() {
        return envelopes.length;
    }

    /**
     * Returns the envelope of one slot.
     *
     * @param slot the slot
     * @return its envelope
     */
    public RequestEnvelope envelope(int slot) {
        return envelopes[slot];
    }

    /**
     * Returns the id of one slot's target.
     *
     * @param slot the slot
     * @return the target's id
     */
    public ActorId actorId(int slot) {
        return ActorId.of(ids[slot]);
    }

    /**
     * Sets the task to cancel when every slot has an outcome.
     *
     * @param task the broadcast's timeout task, or {@code null}
     */
    public void timeoutTask(Timeout task) {
        this.timeoutTask = task;
        if (isDone() && task != null) {
            task.cancel(); // finished before the task was set
        }
    }

    @Override
    public List<Reply<R>> join() {
        JoinSpin.awaitBriefly(this, spinMicros);
        return super.join();
    }

    @Override
    public List<Reply<R>> get() throws InterruptedException, java.util.concurrent.ExecutionException {
        JoinSpin.awaitBriefly(this, spinMicros);
        return super.get();
    }

    void arrived(int slot) {
        if ((int) REMAINING.getAndAdd(this, -1) == 1) {
            finish();
        }
    }

    private void finish() {
        Timeout task = timeoutTask;
        if (task != null) {
            task.cancel();
        }
        List<Reply<R>> replies = new ArrayList<>(envelopes.length);
        for (int i = 0; i < envelopes.length; i++) {
            ReplyFuture e = envelopes[i].future();
            ActorId id = ActorId.of(ids[i]);
            @SuppressWarnings("unchecked")
            Reply<R> reply = e.isCompletedExceptionally()
                    ? new Reply.Failed<>(id, e.exceptionNow())
                    : new Reply.Ok<>(id, (R) e.resultNow());
            replies.add(reply);
        }
        complete(Collections.unmodifiableList(replies));
    }
}
