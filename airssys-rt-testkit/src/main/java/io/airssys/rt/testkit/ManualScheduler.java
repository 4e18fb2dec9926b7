package io.airssys.rt.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ScheduledExecutorService} on a manual clock: nothing runs until the test calls
 * {@link #advance(Duration)}, which moves the clock and runs every task due, in deadline
 * order, on the calling thread. Give it to a broker to test timeouts without sleeping:
 *
 * <pre>{@code
 * ManualScheduler clock = new ManualScheduler();
 * var broker = InMemoryMessageBroker.builder().scheduler(clock).build();
 * var reply = broker.send(id, msg, Duration.ofSeconds(1));
 * clock.advance(Duration.ofSeconds(1));   // reply now fails with TIMEOUT
 * }</pre>
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long nowNanos;
    private long sequence;
    private boolean shutdown;

    /** Creates a scheduler whose clock reads zero. */
    public ManualScheduler() {
    }

    /**
     * Returns the manual clock.
     *
     * @return nanoseconds advanced so far
     */
    public long nanoTime() {
        lock.lock();
        try {
            return nowNanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the clock forward and runs every task that is due, including periodic repeats.
     *
     * @param amount how far, not negative
     * @return the number of task runs
     */
    public int advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("cannot move the clock backwards: " + amount);
        }
        long target;
        lock.lock();
        try {
            target = nowNanos + amount.toNanos();
        } finally {
            lock.unlock();
        }
        int runs = 0;
        for (;;) {
            Task<?> due;
            lock.lock();
            try {
                due = queue.peek();
                if (due == null || due.deadline > target) {
                    nowNanos = target;
                    return runs;
                }
                queue.poll();
                nowNanos = Math.max(nowNanos, due.deadline);
            } finally {
                lock.unlock();
            }
            if (!due.isCancelled()) {
                due.run();
                runs++;
            }
        }
    }

    /**
     * Returns the number of scheduled tasks not yet run or cancelled.
     *
     * @return waiting tasks
     */
    public int pending() {
        lock.lock();
        try {
            return (int) queue.stream().filter(t -> !t.isCancelled()).count();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(new Task<>(Executors.callable(command, null), unit.toNanos(delay), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(new Task<>(callable, unit.toNanos(delay), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return enqueue(new Task<>(Executors.callable(command, null), unit.toNanos(initialDelay), positive(unit.toNanos(period))));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return scheduleAtFixedRate(command, initialDelay, delay, unit);
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
        lock.lock();
        try {
            shutdown = true;
            List<Runnable> left = new ArrayList<>(queue);
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
        lock.lock();
        try {
            return shutdown && queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private static long positive(long period) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, was " + period + " ns");
        }
        return period;
    }

    private <V> Task<V> enqueue(Task<V> task) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("ManualScheduler is shut down");
            }
            task.deadline = nowNanos + Math.max(0, task.delayNanos);
            task.seq = sequence++;
            queue.add(task);
            return task;
        } finally {
            lock.unlock();
        }
    }

    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private final long delayNanos;
        private final long period;
        private long deadline;
        private long seq;

        Task(Callable<V> callable, long delayNanos, long period) {
            super(callable);
            this.delayNanos = delayNanos;
            this.period = period;
        }

        @Override
        public boolean isPeriodic() {
            return period > 0;
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
            } else if (runAndReset()) {
                lock.lock();
                try {
                    deadline += period;
                    if (!shutdown) {
                        queue.add(this);
                    }
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            if (o instanceof Task<?> t) {
                int c = Long.compare(deadline, t.deadline);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
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
