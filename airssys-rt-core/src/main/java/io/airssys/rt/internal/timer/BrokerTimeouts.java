package io.airssys.rt.internal.timer;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The timeouts of one broker: a {@link TimeoutWheel} created on first use, ticking either on a
 * scheduler the user injected (the broker never shuts that one down) or on one daemon thread
 * of its own, stopped by {@link #close()}.
 *
 * <p>Every request with a timeout schedules here and cancels when its reply arrives first, so
 * both are one lock-free step on the wheel; the scheduler only sees the wheel's wake-ups, never
 * one task per request (an injected {@code ScheduledThreadPoolExecutor} used to keep one
 * cancelled task per answered request for the whole timeout).
 */
public final class BrokerTimeouts {

    private final ScheduledExecutorService injected;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile TimeoutWheel wheel;
    private ScheduledThreadPoolExecutor owned; // under lock
    private boolean closed; // under lock

    /**
     * Creates the timeouts of a broker.
     *
     * @param injected the user's scheduler, or {@code null} for a thread of the broker's own
     */
    public BrokerTimeouts(ScheduledExecutorService injected) {
        this.injected = injected;
    }

    /**
     * Schedules a timeout.
     *
     * @param task       what to do when it expires
     * @param delayNanos the delay, positive
     * @return the handle, or {@code null} if the broker is closed (its close fails the message)
     * @throws IllegalStateException if an injected scheduler refuses (it was shut down)
     */
    public Timeout schedule(Runnable task, long delayNanos) {
        TimeoutWheel w = wheel;
        if (w == null) {
            w = start();
            if (w == null) {
                return null;
            }
        }
        try {
            return w.schedule(task, delayNanos);
        } catch (RejectedExecutionException refused) {
            if (w.isClosed()) {
                return null; // the broker closed while we sent
            }
            throw new IllegalStateException("the timeout scheduler rejected a timeout task; was the "
                    + "ScheduledExecutorService given to the broker shut down?", refused);
        }
    }

    private TimeoutWheel start() {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            TimeoutWheel w = wheel;
            if (w != null) {
                return w;
            }
            if (injected != null) {
                try {
                    w = new TimeoutWheel(injected, TimeoutWheel.clockOf(injected));
                } catch (RejectedExecutionException shutDown) {
                    throw new IllegalStateException("the timeout scheduler rejected a timeout task; was the "
                            + "ScheduledExecutorService given to the broker shut down?", shutDown);
                }
            } else {
                ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "airssys-rt-timer");
                    t.setDaemon(true);
                    return t;
                });
                stpe.setRemoveOnCancelPolicy(true); // the wheel replaces its wake-ups: free them now
                owned = stpe;
                w = new TimeoutWheel(stpe, System::nanoTime);
            }
            wheel = w;
            return w;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the wheel (pending timeouts never fire: the broker's close fails their messages) and
     * the broker's own timer thread. Idempotent; never waits for a running task.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            TimeoutWheel w = wheel;
            if (w != null) {
                w.close();
            }
            if (owned != null) {
                owned.shutdownNow();
            }
        } finally {
            lock.unlock();
        }
    }
}
