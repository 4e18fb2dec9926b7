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
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <li><b>Accept or reject, atomically.</b> {@link #state} holds the shutdown bit and the
 *   number of {@code execute} calls between their check and their offer. {@code execute}
 *   enters with a CAS that fails once the bit is set, offers, then leaves. A worker exits only
 *   when the bit is set, no {@code execute} is inside, and the queue is empty: a task is
 *   therefore either rejected or in the queue before the last worker can leave, and run.
 *   </li>
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

    /** {@link #state} bit: shut down; the bits below count {@code execute} calls inside. */
    private static final int SHUTDOWN = 1 << 30;

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final long spinNanos;
    private final Worker[] workers;
    private final AtomicInteger state = new AtomicInteger();
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
        for (;;) {
            int s = state.get();
            if ((s & SHUTDOWN) != 0) {
                throw new RejectedExecutionException("SpinThenParkExecutor is shut down");
            }
            if (state.compareAndSet(s, s + 1)) {
                break;
            }
        }
        try {
            queue.offer(task);
        } finally {
            // NOTE: leave only after the offer: a worker exits when it sees SHUTDOWN with no
            // execute inside and then an empty queue, so it cannot miss this task.
            // SpinThenParkExecutorTest.everyAcceptedTaskRunsEvenWhenExecuteRacesShutdown.
            state.decrementAndGet();
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
                // NOTE: state first, then the queue: with SHUTDOWN set and no execute inside,
                // no task can be added any more, so an empty queue now stays empty.
                if (state.get() == SHUTDOWN && queue.isEmpty()) {
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
        } while (System.nanoTime() - deadline < 0 && (state.get() & SHUTDOWN) == 0);
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
        while (self.parked && queue.isEmpty() && (state.get() & SHUTDOWN) == 0) {
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
        state.getAndUpdate(s -> s | SHUTDOWN);
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
        return (state.get() & SHUTDOWN) != 0;
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
