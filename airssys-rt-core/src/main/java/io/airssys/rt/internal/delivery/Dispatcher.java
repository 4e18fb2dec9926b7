package io.airssys.rt.internal.delivery;

import io.airssys.rt.actor.SpinThenParkExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Where and how long an attached mailbox runs: the executor its runs go to and the most
 * messages one run processes before it yields the thread to other actors.
 *
 * <h2>Fairness</h2>
 * The budget only helps if a run that used it queues <em>behind</em> the runs already
 * waiting. Whether it does depends on the executor's own order:
 * <ul>
 *   <li>A {@link ThreadPoolExecutor} with a FIFO queue, and the actor system's
 *   {@code SpinThenParkExecutor}, keep one shared FIFO queue: a run submitted by a worker
 *   goes to its tail. Runs are submitted to them directly.</li>
 *   <li>A {@link java.util.concurrent.ForkJoinPool} puts a task submitted by one of its
 *   workers on that worker's own queue, and the worker drains its own queue (and keeps
 *   taking from the queue it last took from) before it looks at other submissions: a
 *   flooded actor would keep its thread until its whole backlog is done. The virtual-thread
 *   scheduler is such a pool, and on JDK 21 starts a thread started by a virtual thread the
 *   same way. Any other executor's order is unknown.</li>
 * </ul>
 * For the second kind the dispatcher keeps its own FIFO queue of runs:
 * every run, first or re-submitted, is appended to it, and the executor gets a
 * <em>ticket</em> that runs whichever run is oldest when the ticket runs. Tickets may run
 * in any order; runs still start in the order they were queued, so a run that used its
 * budget goes behind every run queued before it. One ticket per run keeps the count right:
 * a ticket is submitted after its run is queued, so a ticket never finds the queue empty
 * unless a close drained it ({@link #drainQueuedRuns()}).
 */
public final class Dispatcher {

    private final Executor executor;
    private final int throughput;
    private final RunQueue runQueue; // null when runs go to the executor directly
    private final Executor submitTo;

    /**
     * Chooses how runs reach {@code executor} from its kind (see the class description).
     *
     * @param executor   runs mailboxes
     * @param throughput messages per run, at least 1
     */
    public Dispatcher(Executor executor, int throughput) {
        Objects.requireNonNull(executor, "executor");
        if (throughput < 1) {
            throw new IllegalArgumentException("throughput must be at least 1, was " + throughput);
        }
        this.executor = executor;
        this.throughput = throughput;
        this.runQueue = keepsOneFifoQueue(executor) ? null : new RunQueue(executor);
        this.submitTo = runQueue == null ? executor : runQueue;
    }

    /**
     * Tells whether every task {@code executor} accepts waits in one FIFO queue shared by
     * all its threads (or gets a thread at once), so that a task a worker submits goes
     * behind the tasks already waiting.
     */
    private static boolean keepsOneFifoQueue(Executor executor) {
        if (executor instanceof SpinThenParkExecutor) {
            return true;
        }
        if (executor.getClass() == ThreadPoolExecutor.class) { // not a subclass: it may reorder
            BlockingQueue<Runnable> q = ((ThreadPoolExecutor) executor).getQueue();
            return q instanceof LinkedBlockingQueue || q instanceof ArrayBlockingQueue
                    || q instanceof LinkedBlockingDeque || q instanceof LinkedTransferQueue
                    || q instanceof SynchronousQueue;
        }
        return false;
    }

    /**
     * Returns where a mailbox submits its first run (after an idle spell): the executor
     * itself if its own queue is FIFO and shared, otherwise the dispatcher's run queue, which
     * hands the executor one ticket per run.
     *
     * @return the executor to submit runs to
     */
    public Executor executor() {
        return submitTo;
    }

    /**
     * Returns the most messages one run processes.
     *
     * @return messages per run, at least 1
     */
    public int throughput() {
        return throughput;
    }

    /**
     * Submits a run that used up its {@link #throughput() budget} and still has messages,
     * behind the runs already waiting, so that a flooded actor cannot keep a thread from
     * the others.
     *
     * @param run the mailbox's run
     * @throws RejectedExecutionException if the executor refuses it; the run was not queued
     */
    public void resubmit(Runnable run) {
        submitTo.execute(run);
    }

    /**
     * Takes the runs that wait in the dispatcher's own queue, oldest first (none if runs go
     * to the executor directly). A closing actor system calls this after stopping its
     * executor, whose {@code shutdownNow} drops the tickets, and runs them itself: each run
     * holds its mailbox's consumer role, and only running it lets a closed mailbox terminate.
     *
     * @return the runs no ticket has taken yet
     */
    public List<Runnable> drainQueuedRuns() {
        List<Runnable> runs = new ArrayList<>();
        if (runQueue != null) {
            for (Runnable r = runQueue.runs.poll(); r != null; r = runQueue.runs.poll()) {
                runs.add(r);
            }
        }
        return runs;
    }

    @Override
    public String toString() {
        return "Dispatcher[" + executor + ", throughput=" + throughput
                + (runQueue == null ? ", direct]" : ", own run queue]");
    }

    /**
     * The dispatcher's FIFO queue of runs, and the tickets that drain it.
     *
     * <p>As an {@link Executor} it queues a run and makes sure a ticket will take it; as the
     * ticket it takes runs, oldest first, until the queue is empty. A ticket is submitted to the
     * real executor only when no ticket is <em>pending</em> (submitted and not yet started): a
     * pending ticket will poll the queue once it starts, so it takes the new run too. A ticket
     * that starts and finds more runs waiting re-arms one pending ticket, so while runs wait there
     * is always a ticket in the executor's queue for an idle worker (or for the spare thread a
     * {@link ForkJoinPool} starts when a handler blocks in {@code join()}). With many actors fed
     * by one producer, most runs are then queued with one lock-free offer and no executor
     * submission or thread wake-up; before, every run cost a ticket, and the pool's submit and
     * its signalWork were most of a message's cost. A ticket hands its thread back to the
     * executor every {@link #RUNS_PER_TICKET} runs, so other tasks of a shared pool get it.
     *
     * <p>Only a {@link ForkJoinPool} gets draining tickets. Any other executor (virtual threads,
     * an unknown executor) gets one ticket per run, as a task it can schedule on its own terms:
     * on virtual threads each run keeps its own thread, so a handler that blocks parks only
     * itself.
     */
    private static final class RunQueue implements Executor, Runnable {
        /** Runs one ticket takes before it hands the thread back to the executor. */
        static final int RUNS_PER_TICKET = 64;

        final ConcurrentLinkedQueue<Runnable> runs = new ConcurrentLinkedQueue<>();
        private final Executor executor;
        private final ForkJoinPool pool; // the executor if it is a ForkJoinPool, else null
        /** 1 while a ticket is submitted and has not started polling, else 0. */
        private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
        /** The ticket of an executor that is not a pool: runs the oldest run. */
        private final Runnable oneRun = this::runOldest;

        RunQueue(Executor executor) {
            this.executor = executor;
            this.pool = executor instanceof ForkJoinPool p ? p : null;
        }

        @Override
        public void execute(Runnable run) {
            runs.offer(run);
            if (pool == null) {
                oneTicketPerRun(run);
                return;
            }
            // NOTE: offer, then read pending; a ticket clears pending, then polls (run()). Both are
            // volatile accesses, so if this producer sees a pending ticket, that ticket's poll
            // comes after this offer and takes the run (or a later one, and re-arms): a run is
            // never left without a ticket. FairnessTest, ActorSystemCloseTest and
            // ActorRuntimeTest.aHandlerMayJoinAnotherActorsReplyOnTheDefaultPool cover it.
            if (pending.get() == 0 && pending.compareAndSet(0, 1)) {
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException e) {
                    pending.set(0);
                    if (runs.remove(run)) {
                        throw e;
                    }
                    return; // a ticket or a closing system's drain took it: it runs
                }
            }
            // NOTE: a ForkJoinPool that is stopping (shutdownNow) still accepts a task one of
            // its workers pushes to its own queue, and never runs it; a closing system drains
            // this queue only once, after shutdownNow. So if the pool is stopping, take the run
            // back (if no one took it) and refuse it: the mailbox then stops on this thread.
            // The offer comes before this read and shutdownNow before the drain, so a run the
            // drain missed is seen here. (A pool that is only shut down still runs such tasks;
            // other executors refuse by themselves.)
            // ActorSystemCloseTest.aRunQueuedWhenTheShutdownTimeoutExpiresStillTerminatesItsActor
            if (pool != null && (pool.isTerminating() || pool.isTerminated()) && runs.remove(run)) {
                throw new RejectedExecutionException("the ForkJoinPool is stopping");
            }
        }

        private void oneTicketPerRun(Runnable run) {
            try {
                executor.execute(oneRun);
            } catch (RejectedExecutionException e) {
                if (runs.remove(run)) {
                    throw e;
                }
                // a ticket or a closing system's drain took it: it runs
            }
        }

        private void runOldest() {
            Runnable run = runs.poll();
            if (run != null) {
                run.run();
            }
        }

        /** Keeps one ticket pending while runs wait, so an idle or spare thread can take them. */
        private void rearm() {
            if (!runs.isEmpty() && pending.get() == 0 && pending.compareAndSet(0, 1)) {
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException stopping) {
                    pending.set(0); // a closing system drains what is left
                }
            }
        }

        @Override
        public void run() {
            pending.set(0); // started: the next producer submits a ticket unless we re-arm one
            for (int taken = 0; taken < RUNS_PER_TICKET; taken++) {
                Runnable run = runs.poll();
                if (run == null) {
                    return;
                }
                rearm();
                run.run();
            }
            rearm(); // hand the thread back; a fresh ticket goes on
        }
    }
}
