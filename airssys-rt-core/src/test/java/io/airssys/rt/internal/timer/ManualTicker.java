package io.airssys.rt.internal.timer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scheduler on a manual clock for the wheel's tests (core tests cannot use the testkit):
 * nothing runs until {@link #advance(long)}, which moves the clock and runs every task due by
 * then, on the calling thread, in deadline order, including tasks scheduled while advancing.
 * Only one-shot {@code schedule(Runnable, ...)} is supported: that is all the wheel uses.
 */
final class ManualTicker extends AbstractExecutorService implements ScheduledExecutorService {

    /** Keeps a wheel that reschedules itself without end from hanging a test. */
    private static final int MAX_RUNS_PER_ADVANCE = 1_000_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long seq;
    private boolean shutdown;
    private int scheduled;
    private long maxDelay;

    long nanoTime() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    /** Moves the clock by {@code nanos} and runs what is due; returns the number of runs. */
    int advance(long nanos) {
        long target;
        lock.lock();
        try {
            target = now + nanos;
        } finally {
            lock.unlock();
        }
        int runs = 0;
        for (;;) {
            Task due;
            lock.lock();
            try {
                due = queue.peek();
                if (due == null || due.at > target) {
                    now = target;
                    return runs;
                }
                queue.poll();
                now = Math.max(now, due.at);
            } finally {
                lock.unlock();
            }
            if (!due.cancelled) {
                due.done = true;
                due.command.run();
                if (++runs > MAX_RUNS_PER_ADVANCE) {
                    throw new IllegalStateException("more than " + MAX_RUNS_PER_ADVANCE
                            + " task runs in one advance: is something rescheduling itself without end?");
                }
            }
        }
    }

    /** Tasks queued and not cancelled. */
    int pending() {
        lock.lock();
        try {
            return (int) queue.stream().filter(t -> !t.cancelled).count();
        } finally {
            lock.unlock();
        }
    }

    /** Calls to schedule so far. */
    int scheduledCount() {
        lock.lock();
        try {
            return scheduled;
        } finally {
            lock.unlock();
        }
    }

    /** The longest delay ever asked for, in nanoseconds. */
    long maxDelay() {
        lock.lock();
        try {
            return maxDelay;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("ManualTicker is shut down");
            }
            long d = Math.max(0, unit.toNanos(delay));
            maxDelay = Math.max(maxDelay, d);
            scheduled++;
            Task t = new Task(command, Math.addExact(now, d), seq++);
            queue.add(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        lock.lock();
        try {
            List<Runnable> left = new ArrayList<>();
            queue.forEach(t -> left.add(t.command));
            queue.clear();
            return left;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        return isShutdown();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isShutdown();
    }

    private final class Task implements ScheduledFuture<Object>, Comparable<Delayed> {
        final Runnable command;
        final long at;
        final long order;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable command, long at, long order) {
            this.command = command;
            this.at = at;
            this.order = order;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Task t = (Task) o;
            int c = Long.compare(at, t.at);
            return c != 0 ? c : Long.compare(order, t.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() throws ExecutionException {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws ExecutionException {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
