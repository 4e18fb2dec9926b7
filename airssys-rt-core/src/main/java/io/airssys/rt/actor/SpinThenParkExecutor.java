package io.airssys.rt.actor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An executor for the low-latency setting: its worker threads spin for a short while when
 * they run out of work before they park, so a task submitted soon after is picked up in
 * hundreds of nanoseconds instead of the tens of microseconds that waking a parked thread
 * costs.
 *
 * <p>Spinning burns a core while it lasts: use at most one spinning thread per core that is
 * free for it (on a 2-core machine, one worker, leaving a core for the callers). After the
 * spin a worker parks until a task arrives, with no periodic wake-ups, so an idle executor
 * uses no CPU.
 *
 * <p>Tasks run in submission order: all workers take from one FIFO queue, so a task
 * re-submitted by a worker waits behind the tasks submitted before it.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Accept or reject, atomically.</b> {@code execute} offers the task, then reads
 *   {@link #shutdown}. Seen clear: a worker that later sees the flag reads the queue after our
 *   offer (volatile order), so it does not exit before the task runs. Seen set: the task is
 *   taken back out of the queue and rejected, unless a worker already took it (then it runs).
 *   The fast path is one offer and one read of a flag nobody writes while running: a spinning
 *   worker polls the queue and that flag, so a submitter writes no line the spinner reads
 *   besides the queue's own (an earlier version counted submitters in a word the spinner
 *   read, and the handoff paid a cache-line transfer for it).</li>
 *   <li><b>Wake one, only when one is parked.</b> A worker that found nothing for
 *   {@code spin} joins {@link #parked} (a stack, under {@link #parkedLock}), re-checks the
 *   queue, and parks until a submitter takes it off the stack and unparks it. A submitter
 *   reads {@link #parkedCount} after its offer and wakes at most one worker, only if one is
 *   parked. The worker's re-check after joining is the Dekker-style handshake that prevents
 *   a lost wake-up: offer then read the count, vs. raise the count then read the queue; one
 *   of the two sees the other.</li>
 * </ul>
 */
public final class SpinThenParkExecutor extends AbstractExecutorService {


    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final long spinNanos;
    private final Worker[] workers;
    private volatile boolean shutdown;
    private final ReentrantLock parkedLock = new ReentrantLock();
    private final ArrayDeque<Worker> parked = new ArrayDeque<>(); // guarded by parkedLock
    private volatile int parkedCount; // written under parkedLock
    private final AtomicLong wakeUps = new AtomicLong();
    private final CountDownLatch terminated;

    /** One worker thread and whether it is on the parked stack. */
    private static final class Worker {
        Thread thread;
        volatile boolean parked; // set by the worker and cleared by its waker, both under parkedLock
    }

    /**
     * Starts {@code threads} daemon workers.
     *
     * @param threads at least 1
     * @param spin    how long an idle worker spins before it parks; not negative
     * @param name    thread name prefix
     */
    public SpinThenParkExecutor(int threads, Duration spin, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        Objects.requireNonNull(spin, "spin");
        if (spin.isNegative()) {
            throw new IllegalArgumentException("spin must not be negative, was " + spin);
        }
        Objects.requireNonNull(name, "name");
        this.spinNanos = spin.toNanos();
        this.terminated = new CountDownLatch(threads);
        this.workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker();
            w.thread = new Thread(() -> work(w), name + (i + 1));
            w.thread.setDaemon(true);
            workers[i] = w;
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /**
     * Queues {@code task} behind the tasks already waiting, and wakes one parked worker if
     * any is parked.
     *
     * @throws RejectedExecutionException if the executor is shut down; a task that is not
     *                                    rejected runs
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutdown) {
            throw new RejectedExecutionException("SpinThenParkExecutor is shut down");
        }
        queue.offer(task);
        // NOTE: offer, then read the flag; a worker exits only after reading the flag set and
        // then the queue empty. If we read it clear, the shutdown came after our offer, so that
        // worker's queue read sees the task. If we read it set, take the task back; if a worker
        // took it first, it runs. Either way: rejected, or run.
        // SpinThenParkExecutorTest.everyAcceptedTaskRunsEvenWhenExecuteRacesShutdown.
        if (shutdown && queue.remove(task)) {
            throw new RejectedExecutionException("SpinThenParkExecutor is shut down");
        }
        // NOTE: the offer (a volatile write in the queue) comes before this volatile read; a
        // parking worker raises parkedCount before it re-reads the queue. One of the two sees
        // the other, so a task never waits while every worker sleeps.
        if (parkedCount > 0) {
            wakeOne();
        }
    }

    private void wakeOne() {
        Worker w;
        parkedLock.lock();
        try {
            w = parked.pollFirst();
            if (w != null) {
                w.parked = false;
                parkedCount--;
            }
        } finally {
            parkedLock.unlock();
        }
        if (w != null) {
            wakeUps.incrementAndGet();
            LockSupport.unpark(w.thread);
        }
    }

    private void work(Worker self) {
        try {
            for (;;) {
                Runnable task = queue.poll();
                if (task == null) {
                    task = spinForWork();
                }
                if (task != null) {
                    Thread.interrupted(); // an interrupt meant for the previous task
                    runTask(task);
                    continue;
                }
                // NOTE: the flag first, then the queue (see execute): a task offered before the
                // flag was set is seen here; one offered later is taken back by its submitter.
                if (shutdown && queue.isEmpty()) {
                    return;
                }
                park(self);
            }
        } finally {
            terminated.countDown();
        }
    }

    private static void runTask(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
    }

    private Runnable spinForWork() {
        if (spinNanos == 0) {
            return null;
        }
        long deadline = System.nanoTime() + spinNanos;
        do {
            Thread.onSpinWait();
            Runnable task = queue.poll();
            if (task != null) {
                return task;
            }
        } while (System.nanoTime() - deadline < 0 && !shutdown);
        return null;
    }

    /** Parks until a submitter or {@link #shutdown()} wakes this worker, or work is found. */
    private void park(Worker self) {
        parkedLock.lock();
        try {
            self.parked = true;
            parked.addFirst(self); // LIFO: the most recently active worker has the warmest cache
            parkedCount++;
        } finally {
            parkedLock.unlock();
        }
        // The re-check of the handshake (see execute).
        while (self.parked && queue.isEmpty() && !shutdown) {
            Thread.interrupted(); // a stale interrupt would make park return at once
            LockSupport.park(this);
        }
        if (self.parked) { // work or shutdown seen first: take ourselves off the stack
            parkedLock.lock();
            try {
                if (self.parked) {
                    self.parked = false;
                    parked.remove(self);
                    parkedCount--;
                }
            } finally {
                parkedLock.unlock();
            }
        }
    }

    /** Rejects new tasks; the workers run every task already accepted, then exit. */
    @Override
    public void shutdown() {
        shutdown = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    /**
     * Rejects new tasks, interrupts the workers, and returns the tasks no worker had taken.
     * Every accepted task is either in the returned list or run by a worker.
     *
     * @return the tasks that were waiting
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> left = new ArrayList<>();
        for (Runnable r = queue.poll(); r != null; r = queue.poll()) {
            left.add(r);
        }
        for (Worker w : workers) { // after the drain: an interrupted task must not hand its thread a waiting one
            w.thread.interrupt();
        }
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /**
     * Tells whether {@code thread} is one of this executor's workers.
     *
     * @param thread a thread
     * @return {@code true} for a worker
     */
    boolean isWorker(Thread thread) {
        for (Worker w : workers) {
            if (w.thread == thread) {
                return true;
            }
        }
        return false;
    }

    /** Workers woken for tasks so far (for tests: one task wakes at most one worker). */
    long wakeUps() {
        return wakeUps.get();
    }
}
