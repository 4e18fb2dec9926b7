package io.airssys.rt.nats;

import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Many registry round trips in flight together instead of one after another: each item's task
 * (a registration, a removal) runs on its own virtual thread, at most {@code window} at a
 * time, and {@link #run} returns when every one has ended. One registry round trip is a few
 * hundred microseconds to milliseconds of waiting for the JetStream leader and its replicas;
 * with 128 of them waiting together, 100,000 registrations take seconds instead of a minute
 * ({@code RemoteRegistrationBenchmark}).
 */
final class RegistryPipeline {

    private final Executor threads;
    private final int window;

    /**
     * @param threads runs the tasks (the node's virtual threads); may refuse once the node closes
     * @param window  how many tasks run together, at least 1
     */
    RegistryPipeline(Executor threads, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        this.threads = threads;
        this.window = window;
    }

    /**
     * Runs {@code task} for each item and waits until all have ended. An item the executor
     * refuses (the node closed meanwhile) goes to {@code refused} on the calling thread.
     *
     * @throws InterruptedException if interrupted while waiting; tasks already started go on
     */
    <T> void run(Collection<T> items, Consumer<T> task, Consumer<T> refused) throws InterruptedException {
        Semaphore slots = new Semaphore(window);
        CountDownLatch done = new CountDownLatch(items.size());
        for (T item : items) {
            slots.acquire();
            try {
                threads.execute(() -> {
                    try {
                        task.accept(item);
                    } finally {
                        slots.release();
                        done.countDown();
                    }
                });
            } catch (RejectedExecutionException closing) {
                slots.release();
                done.countDown();
                refused.accept(item);
            }
        }
        done.await();
    }
}
