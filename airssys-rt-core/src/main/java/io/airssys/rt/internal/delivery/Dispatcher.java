package io.airssys.rt.internal.delivery;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Where and how long an attached mailbox runs: the executor its runs are submitted to and the
 * most messages one run processes before it yields the thread to other actors.
 *
 * @param executor   runs mailboxes
 * @param throughput messages per run, at least 1
 */
public record Dispatcher(Executor executor, int throughput) {

    /** Checks both fields. */
    public Dispatcher {
        Objects.requireNonNull(executor, "executor");
        if (throughput < 1) {
            throw new IllegalArgumentException("throughput must be at least 1, was " + throughput);
        }
    }

    /**
     * Submits a run that used up its {@link #throughput() budget} and still has messages. It
     * must queue behind the runs already waiting, so that a flooded actor cannot keep a thread
     * from the others.
     *
     * @param run the mailbox's run
     */
    public void resubmit(Runnable run) {
        executor.execute(run);
    }
}
