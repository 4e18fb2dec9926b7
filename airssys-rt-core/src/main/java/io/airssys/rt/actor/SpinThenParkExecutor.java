package io.airssys.rt.actor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An executor for the low-latency setting: its worker threads spin for a short while when
 * they run out of work before they park, so a task submitted soon after is picked up in
 * hundreds of nanoseconds instead of the tens of microseconds that waking a parked thread
 * costs.
 *
 * <p>Spinning burns a core while it lasts: use at most one spinning thread per core that is
 * free for it (on a 2-core machine, one worker, leaving a core for the callers), and a spin
 * short enough that an idle system goes quiet quickly.
 *
 * <h2>Design</h2>
 * Tasks go to one lock-free queue shared by the workers. A worker that found nothing for
 * {@code spin} announces itself idle ({@link #idle}), re-checks the queue, and parks; a
 * submitter that sees an idle worker unparks one. The re-check after the announcement is the
 * Dekker-style handshake that prevents a lost wake-up (offer then read idle, vs. increment idle
 * then poll); parking is also bounded (1 ms) as a second line of defence.
 */
public final class SpinThenParkExecutor extends AbstractExecutorService {

    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final long spinNanos;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger idle = new AtomicInteger();
    private final CountDownLatch terminated;
    private volatile boolean shutdown;

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
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, name + (i + 1));
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutdown) {
            throw new RejectedExecutionException("SpinThenParkExecutor is shut down");
        }
        queue.offer(task);
        // NOTE: offer (volatile write inside the queue) then read idle; a worker increments idle
        // then polls the queue again before parking. One of the two sees the other.
        if (idle.get() > 0) {
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    private void work() {
        try {
            while (true) {
                Runnable task = queue.poll();
                if (task == null) {
                    task = spinForWork();
                }
                if (task == null) {
                    if (shutdown && queue.isEmpty()) {
                        return;
                    }
                    idle.incrementAndGet();
                    try {
                        if (queue.isEmpty() && !shutdown) {
                            LockSupport.parkNanos(this, MAX_PARK_NANOS);
                        }
                    } finally {
                        idle.decrementAndGet();
                    }
                    continue;
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
        } finally {
            terminated.countDown();
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

    @Override
    public void shutdown() {
        shutdown = true;
        workers.forEach(LockSupport::unpark);
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> left = new ArrayList<>();
        for (Runnable r = queue.poll(); r != null; r = queue.poll()) {
            left.add(r);
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
}
