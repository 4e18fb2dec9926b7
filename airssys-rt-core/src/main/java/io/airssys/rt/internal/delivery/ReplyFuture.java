package io.airssys.rt.internal.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The future a sender holds for a request: completed only by the broker, through its
 * {@link RequestEnvelope}.
 *
 * <p>It cannot be completed from outside: {@code complete}, {@code completeExceptionally},
 * {@code obtrude*} and {@code completeAsync} throw {@link UnsupportedOperationException}, since
 * an outcome the actor did not produce would skew the counters and mislabel a dead letter.
 * {@code orTimeout} and {@code completeOnTimeout} return a dependent stage that times out on
 * its own; the message keeps the broker's timeout ({@code SendOptions.timeout}). {@code cancel}
 * keeps its meaning: a message not started is skipped and dead-lettered {@code CANCELLED}.
 * Covered by {@code TimeoutTest}.
 *
 * <p>{@link #join()} and {@link #get()} spin briefly before they park (see {@link JoinSpin}).
 */
public final class ReplyFuture extends CompletableFuture<Object> {

    /** How long {@link #join()} and {@link #get()} spin before parking, in microseconds. */
    private final short spinMicros;

    ReplyFuture(int spinMicros) {
        this.spinMicros = (short) spinMicros;
    }

    /** The broker's completion; {@code true} if this call decided the outcome. */
    boolean succeed(Object value) {
        return super.complete(value);
    }

    /** The broker's failure; {@code true} if this call decided the outcome. */
    boolean fail(Throwable error) {
        return super.completeExceptionally(error);
    }

    @Override
    public Object join() {
        JoinSpin.awaitBriefly(this, spinMicros);
        return super.join();
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        JoinSpin.awaitBriefly(this, spinMicros);
        return super.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        JoinSpin.awaitBriefly(this, (int) Math.min(spinMicros, unit.toMicros(timeout)));
        return super.get(timeout, unit);
    }

    private static UnsupportedOperationException completedByTheBroker() {
        return new UnsupportedOperationException("this future is completed by the broker (the actor's result, a"
                + " timeout, or the actor stopping); cancel() it to withdraw a message that has not started, or"
                + " use SendOptions.timeout for a deadline");
    }

    /** Refused: the broker completes this future. */
    @Override
    public boolean complete(Object value) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public void obtrudeValue(Object value) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public void obtrudeException(Throwable ex) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public CompletableFuture<Object> completeAsync(Supplier<?> supplier, Executor executor) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public CompletableFuture<Object> completeAsync(Supplier<?> supplier) {
        throw completedByTheBroker();
    }

    /**
     * Returns a dependent stage that fails with {@link TimeoutException} after {@code timeout};
     * the message itself keeps the broker's timeout and is processed and counted as usual.
     */
    @Override
    public CompletableFuture<Object> orTimeout(long timeout, TimeUnit unit) {
        return copy().orTimeout(timeout, unit);
    }

    /**
     * Returns a dependent stage that completes with {@code value} after {@code timeout}; the
     * message itself keeps the broker's timeout and is processed and counted as usual.
     */
    @Override
    public CompletableFuture<Object> completeOnTimeout(Object value, long timeout, TimeUnit unit) {
        return copy().completeOnTimeout(value, timeout, unit);
    }
}
