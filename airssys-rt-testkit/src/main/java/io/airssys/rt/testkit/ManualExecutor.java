package io.airssys.rt.testkit;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An executor that runs nothing until the test says so: {@link #runNext()} runs the oldest
 * submitted task on the calling thread. Makes actor scheduling deterministic in tests
 * (which actor runs when, how many messages per run).
 *
 * <pre>{@code
 * ManualExecutor executor = new ManualExecutor();
 * ActorSystem system = ActorSystem.builder().executor(executor).throughput(5).build();
 * ... send ...
 * executor.runAll();
 * }</pre>
 */
public final class ManualExecutor implements Executor {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    /** Creates an executor with no tasks. */
    public ManualExecutor() {
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            tasks.addLast(task);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the oldest waiting task on this thread.
     *
     * @return {@code false} if there was none
     */
    public boolean runNext() {
        Runnable task;
        lock.lock();
        try {
            task = tasks.pollFirst();
        } finally {
            lock.unlock();
        }
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /**
     * Runs tasks, including ones they submit, until none is left.
     *
     * @return the number of tasks run
     */
    public int runAll() {
        int n = 0;
        while (runNext()) {
            n++;
        }
        return n;
    }

    /**
     * Returns the number of waiting tasks.
     *
     * @return tasks submitted and not yet run
     */
    public int pending() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }
}
