package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.ActorRef;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.internal.delivery.Dispatcher;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.mailbox.Mailbox;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs actors: attaches them to mailboxes registered with its broker and schedules them on
 * its executor.
 *
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.create()) {
 *     ActorId account = system.spawn(Behaviors.receive().on(GetBalance.class, g -> 125.50).build());
 *     double balance = system.broker().send(account, new GetBalance(123)).join();
 * }
 * }</pre>
 *
 * <p>The spec's own flow works too: create a mailbox, {@code broker.register(id, mailbox)},
 * then {@link #attach(Behavior, Mailbox)} an actor to it.
 *
 * <p>Every method that takes both puts the behavior before the mailbox
 * ({@code spawn([id,] behavior[, mailbox])}, {@code attach(behavior, mailbox)}): the mailbox is
 * the optional, trailing part of {@code spawn}, and the two methods read alike.
 *
 * <h2>Threads</h2>
 * A run processes at most {@code throughput} messages of one actor
 * ({@link Builder#throughput(int)}), then goes behind the runs already waiting, so a flooded
 * actor does not starve the others: an actor that gets a message while others are flooded
 * runs after at most about one budget of each run queued before it. An actor never runs on
 * two threads at once. What each executor adds:
 * <ul>
 *   <li><b>Default</b>: the system's own {@link ForkJoinPool}, {@link Builder#threads(int)}
 *   daemon threads (default: one per core; never the common pool). A pool worker would run
 *   a task it submits itself before older submissions, so runs wait in the dispatcher's own
 *   FIFO queue and the pool is handed one ticket per run.</li>
 *   <li>{@link Builder#virtualThreads()}: every run gets a virtual thread of its own, so a
 *   handler that blocks (I/O, {@code join()}) parks only itself. Runs wait in the same FIFO
 *   queue (the virtual-thread scheduler is a {@code ForkJoinPool} too).</li>
 *   <li>{@link Builder#spinningDispatcher(Duration)}: a {@link SpinThenParkExecutor} of
 *   {@code threads(n)} threads that spin before they park; its one FIFO queue gives the order
 *   directly.</li>
 *   <li>{@link Builder#executor(Executor)}: a {@link java.util.concurrent.ThreadPoolExecutor}
 *   with a FIFO work queue gets runs directly; any other executor (a {@code ForkJoinPool}, a
 *   virtual-thread executor, one whose order is unknown) gets tickets for the dispatcher's
 *   FIFO queue, so the order holds whatever order it runs tasks in.</li>
 * </ul>
 *
 * <h2>Ownership</h2>
 * The system owns its broker and the executor it created: {@link #close()} closes both.
 * An executor passed to {@link Builder#executor(Executor)} is left running.
 */
public final class ActorSystem implements AutoCloseable {

    /** Messages one actor processes per run when not configured. */
    public static final int DEFAULT_THROUGHPUT = 64;

    private static final AtomicInteger SYSTEMS = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger(ActorSystem.class.getName());

    /** Marks the virtual threads a system started: holds that system's {@link #ownThreadMark}. */
    private static final ThreadLocal<Object> VIRTUAL_THREAD_OWNER = new ThreadLocal<>();

    private final BrokerNode broker;
    private final Dispatcher dispatcher;
    private final ExecutorService ownedExecutor;
    private final Duration shutdownTimeout;
    private final Object ownThreadMark = new Object();

    private ActorSystem(Builder b) {
        this.broker = b.broker != null ? b.broker : new InMemoryMessageBroker();
        ExecutorService owned = null;
        Executor executor = b.executor;
        if (executor == null) {
            if (b.spin != null) {
                owned = new SpinThenParkExecutor(b.threads, b.spin, "airssys-rt-spinning-" + SYSTEMS.incrementAndGet() + "-");
            } else if (b.virtualThreads) {
                ThreadFactory virtual = Thread.ofVirtual().name("airssys-rt-actor-", 0).factory();
                Object mark = ownThreadMark;
                owned = Executors.newThreadPerTaskExecutor(task -> virtual.newThread(() -> {
                    VIRTUAL_THREAD_OWNER.set(mark);
                    task.run();
                }));
            } else {
                owned = newDispatcherPool(b.threads);
            }
            executor = owned;
        }
        this.ownedExecutor = owned;
        this.dispatcher = new Dispatcher(executor, b.throughput);
        this.shutdownTimeout = b.shutdownTimeout;
    }

    private static ForkJoinPool newDispatcherPool(int threads) {
        int system = SYSTEMS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("airssys-rt-dispatcher-" + system + "-" + n.incrementAndGet());
            return t;
        };
        // asyncMode: FIFO scheduling of submitted mailboxes, the right order for event-style tasks
        return new ForkJoinPool(threads, factory, null, true);
    }

    /**
     * Creates a system with an {@link InMemoryMessageBroker} and one dispatcher thread per core.
     *
     * @return a new system
     */
    public static ActorSystem create() {
        return builder().build();
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the broker actors are registered with.
     *
     * @return the broker
     */
    public BrokerNode broker() {
        return broker;
    }

    /**
     * Spawns an actor on a new unbounded mailbox under a new id.
     *
     * @param behavior makes the actor
     * @param <P>      its protocol
     * @return a typed reference to it ({@link ActorRef#id()} for the broker's id-based methods)
     */
    public <P> ActorRef<P> spawn(Behavior<P> behavior) {
        return spawn(ActorId.newId(), behavior, Mailbox.unbounded());
    }

    /**
     * Spawns an actor on {@code mailbox} under a new id.
     *
     * @param behavior makes the actor
     * @param mailbox  an unregistered mailbox
     * @param <P>      its protocol
     * @return a typed reference to it
     */
    public <P> ActorRef<P> spawn(Behavior<P> behavior, Mailbox<?> mailbox) {
        return spawn(ActorId.newId(), behavior, mailbox);
    }

    /**
     * Registers {@code mailbox} under {@code id} and attaches an actor to it. If another thread
     * unregisters {@code id} in between, the spawn still returns a reference to {@code id}: the actor counts as
     * stopped before it started (it never runs {@code preStart}), as if the unregister had come
     * just after the spawn.
     *
     * @param id       the id, not yet registered
     * @param behavior makes the actor
     * @param mailbox  an unregistered mailbox
     * @param <P>      its protocol
     * @return a typed reference to {@code id}
     * @throws io.airssys.rt.broker.BrokerException with {@code ALREADY_REGISTERED} if the id is taken
     */
    public <P> ActorRef<P> spawn(ActorId id, Behavior<P> behavior, Mailbox<?> mailbox) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(mailbox, "mailbox");
        broker.register(id, mailbox);
        // NOTE: an unregister of the same id may fall between the two calls; the spawn then
        // counts as an actor that stopped before it started (no preStart, no postStop), not as an
        // error. Covered by SpawnAndAttachTest.spawnRacingAnUnregisterOfTheSameIdEndsInADocumentedOutcome.
        ((MpscMailbox<?>) mailbox).attach(behavior, dispatcher, broker, true);
        return ActorRef.of(broker, id, behavior.protocol());
    }

    /**
     * Attaches an actor to a mailbox already registered with {@link #broker()}. Messages that
     * were sent before are processed after the actor's {@code preStart}.
     *
     * @param behavior makes the actor
     * @param mailbox  a mailbox registered with this system's broker, with no actor yet
     * @throws IllegalStateException    if the mailbox is not registered, is closed, or has an actor
     * @throws IllegalArgumentException if the mailbox is registered with another broker (its actor
     *                                  would otherwise be stopped by this system's close)
     */
    public void attach(Behavior<?> behavior, Mailbox<?> mailbox) {
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(mailbox, "mailbox");
        ((MpscMailbox<?>) mailbox).attach(behavior, dispatcher, broker, false);
    }

    /**
     * Closes the broker (every actor stops, every pending future completes), then stops the
     * executor this system created.
     *
     * <p>Called from any other thread, it waits up to the
     * {@linkplain Builder#shutdownTimeout(Duration) shutdown timeout} for the executor's threads
     * to finish; after that it interrupts them and runs, on the calling thread, every actor run
     * that was still waiting, so that every actor is stopped (its queued messages failed, its
     * {@code postStop} run) even while a handler that ignores interrupts still holds a thread.
     * That handler's own actor stops when its handler returns.
     *
     * <p>Called from one of the system's own threads (a handler, {@code preStart} or
     * {@code postStop}), it cannot wait for its own thread: it closes the broker, shuts the
     * executor down and returns at once. The executor's threads then finish the runs already
     * waiting (each stops its closed actor quickly) and exit.
     */
    @Override
    public void close() {
        broker.close();
        if (ownedExecutor == null) {
            return;
        }
        ownedExecutor.shutdown();
        if (isOwnThread(Thread.currentThread())) {
            return;
        }
        boolean interrupted = false;
        try {
            if (ownedExecutor.awaitTermination(shutdownTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                runOnThisThread(dispatcher.drainQueuedRuns()); // none expected: every ticket ran
                return;
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        // NOTE: shutdownNow drops waiting runs (a ForkJoinPool drops the tickets and returns
        // none of them). A run holds its mailbox's consumer role: dropped, its closed mailbox
        // would never terminate. So run them here: those shutdownNow returns (runs given to
        // the executor directly), then those still in the dispatcher's queue. A run submitted
        // after this drain is refused (the executor is shut down) and stops its actor on the
        // submitting thread. ActorSystemCloseTest.aRunQueuedWhenTheShutdownTimeoutExpires...
        runOnThisThread(ownedExecutor.shutdownNow());
        runOnThisThread(dispatcher.drainQueuedRuns());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isOwnThread(Thread t) {
        return switch (ownedExecutor) {
            case SpinThenParkExecutor spinning -> spinning.isWorker(t);
            case ForkJoinPool pool -> t instanceof ForkJoinWorkerThread w && w.getPool() == pool;
            default -> VIRTUAL_THREAD_OWNER.get() == ownThreadMark;
        };
    }

    private static void runOnThisThread(List<Runnable> runs) {
        for (Runnable run : runs) {
            try {
                run.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "an actor run failed while the actor system was closing", e);
            }
        }
    }

    /** Configures an {@link ActorSystem}. */
    public static final class Builder {
        private BrokerNode broker;
        private Executor executor;
        private boolean virtualThreads;
        private Duration spin;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean threadsSet;
        private int throughput = DEFAULT_THROUGHPUT;
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Uses {@code broker} (the system takes ownership and closes it on {@link #close()}).
         *
         * @param broker the broker
         * @return this builder
         */
        public Builder broker(BrokerNode broker) {
            Objects.requireNonNull(broker, "broker");
            if (this.broker != null) {
                throw new IllegalStateException("broker was already set");
            }
            this.broker = broker;
            return this;
        }

        /**
         * Runs actors on {@code executor}, which the system does not shut down.
         *
         * @param executor the executor
         * @return this builder
         * @throws IllegalStateException if an executor kind or {@link #threads(int)} was set
         */
        public Builder executor(Executor executor) {
            Objects.requireNonNull(executor, "executor");
            checkNoExecutorYet();
            if (threadsSet) {
                throw new IllegalStateException("executor(...) cannot be combined with threads(" + threads
                        + "): an injected executor has its own threads; size it instead");
            }
            this.executor = executor;
            return this;
        }

        /**
         * Runs every actor run on a virtual thread of its own (for blocking handlers).
         *
         * @return this builder
         * @throws IllegalStateException if an executor kind or {@link #threads(int)} was set
         */
        public Builder virtualThreads() {
            checkNoExecutorYet();
            if (threadsSet) {
                throw new IllegalStateException("virtualThreads() cannot be combined with threads(" + threads
                        + "): every run gets a virtual thread of its own");
            }
            this.virtualThreads = true;
            return this;
        }

        /**
         * The low-latency setting: runs actors on a {@link SpinThenParkExecutor} of its own
         * whose threads ({@link #threads(int)}, default: cores) spin for {@code spin} before
         * parking. Pair it with a broker whose callers spin too
         * ({@code InMemoryMessageBroker.builder().joinSpin(...)}), and keep spinning threads
         * plus calling threads at or below the number of cores.
         *
         * @param spin how long an idle dispatcher thread spins, e.g. 50 microseconds
         * @return this builder
         */
        public Builder spinningDispatcher(Duration spin) {
            Objects.requireNonNull(spin, "spin");
            if (spin.isNegative()) {
                throw new IllegalArgumentException("spin must not be negative, was " + spin);
            }
            checkNoExecutorYet();
            this.spin = spin;
            return this;
        }

        /**
         * Sets the number of dispatcher threads of the system's own pool or of the
         * {@linkplain #spinningDispatcher(Duration) spinning dispatcher} (default: cores).
         *
         * @param count at least 1
         * @return this builder
         * @throws IllegalStateException with {@link #virtualThreads()} or {@link #executor(Executor)},
         *                               which bring their own threads
         */
        public Builder threads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + count);
            }
            if (virtualThreads) {
                throw new IllegalStateException("threads(" + count
                        + ") cannot be combined with virtualThreads(): every run gets a virtual thread of its own");
            }
            if (executor != null) {
                throw new IllegalStateException("threads(" + count
                        + ") cannot be combined with executor(...): an injected executor has its own threads;"
                        + " size it instead");
            }
            this.threads = count;
            this.threadsSet = true;
            return this;
        }

        /**
         * Sets how many messages one actor processes before yielding its thread.
         *
         * @param messages at least 1 (default {@value ActorSystem#DEFAULT_THROUGHPUT})
         * @return this builder
         */
        public Builder throughput(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("throughput must be at least 1, was " + messages);
            }
            this.throughput = messages;
            return this;
        }

        /**
         * Sets how long {@link ActorSystem#close()} waits for running handlers.
         *
         * @param timeout positive (default 10 seconds)
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("shutdownTimeout must be positive, was " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * Builds the system.
         *
         * @return a new system
         */
        public ActorSystem build() {
            return new ActorSystem(this);
        }

        private void checkNoExecutorYet() {
            if (executor != null || virtualThreads || spin != null) {
                throw new IllegalStateException("the executor was already chosen");
            }
        }
    }
}
