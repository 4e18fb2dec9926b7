package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.internal.delivery.Dispatcher;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.mailbox.Mailbox;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
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
 * then {@link #attach(Mailbox, Behavior)} an actor to it.
 *
 * <h2>Threads</h2>
 * By default the system runs actors on its own {@link ForkJoinPool} with one daemon thread per
 * core (never the common pool). A run processes at most {@code throughput} messages of one
 * actor before the thread moves on to another, so a busy actor cannot starve the rest.
 * Handlers that block (I/O, {@code join()}) should run on virtual threads:
 * {@link Builder#virtualThreads()} gives every actor run its own virtual thread, so a blocked
 * handler parks only itself. An actor never runs on two threads at once either way.
 *
 * <h2>Ownership</h2>
 * The system owns its broker and the executor it created: {@link #close()} closes both.
 * An executor passed to {@link Builder#executor(Executor)} is left running.
 */
public final class ActorSystem implements AutoCloseable {

    /** Messages one actor processes per run when not configured. */
    public static final int DEFAULT_THROUGHPUT = 64;

    private static final AtomicInteger SYSTEMS = new AtomicInteger();

    private final MessageBroker broker;
    private final Dispatcher dispatcher;
    private final ExecutorService ownedExecutor;
    private final Duration shutdownTimeout;

    private ActorSystem(Builder b) {
        this.broker = b.broker != null ? b.broker : new InMemoryMessageBroker();
        ExecutorService owned = null;
        Executor executor = b.executor;
        if (executor == null) {
            if (b.spin != null) {
                owned = new SpinThenParkExecutor(b.threads, b.spin, "airssys-rt-spinning-" + SYSTEMS.incrementAndGet() + "-");
            } else if (b.virtualThreads) {
                owned = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("airssys-rt-actor-", 0).factory());
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
    public MessageBroker broker() {
        return broker;
    }

    /**
     * Spawns an actor on a new unbounded mailbox under a new id.
     *
     * @param behavior makes the actor
     * @return its id
     */
    public ActorId spawn(Behavior<?> behavior) {
        return spawn(ActorId.newId(), behavior, Mailbox.unbounded());
    }

    /**
     * Spawns an actor on {@code mailbox} under a new id.
     *
     * @param behavior makes the actor
     * @param mailbox  an unregistered mailbox
     * @return its id
     */
    public ActorId spawn(Behavior<?> behavior, Mailbox<?> mailbox) {
        return spawn(ActorId.newId(), behavior, mailbox);
    }

    /**
     * Registers {@code mailbox} under {@code id} and attaches an actor to it.
     *
     * @param id       the id, not yet registered
     * @param behavior makes the actor
     * @param mailbox  an unregistered mailbox
     * @return {@code id}
     * @throws io.airssys.rt.broker.BrokerException with {@code ALREADY_REGISTERED} if the id is taken
     */
    public ActorId spawn(ActorId id, Behavior<?> behavior, Mailbox<?> mailbox) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(mailbox, "mailbox");
        broker.register(id, mailbox);
        attach(mailbox, behavior);
        return id;
    }

    /**
     * Attaches an actor to a mailbox already registered with {@link #broker()}. Messages that
     * were sent before are processed after the actor's {@code preStart}.
     *
     * @param mailbox  a registered mailbox with no actor yet
     * @param behavior makes the actor
     * @throws IllegalStateException if the mailbox is not registered, is closed, or has an actor
     */
    public void attach(Mailbox<?> mailbox, Behavior<?> behavior) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(behavior, "behavior");
        ((MpscMailbox<?>) mailbox).attach(behavior, dispatcher);
    }

    /**
     * Closes the broker (every actor stops, every pending future completes), then stops the
     * executor this system created, waiting up to the shutdown timeout for running handlers.
     */
    @Override
    public void close() {
        broker.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                if (!ownedExecutor.awaitTermination(shutdownTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    ownedExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownedExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Configures an {@link ActorSystem}. */
    public static final class Builder {
        private MessageBroker broker;
        private Executor executor;
        private boolean virtualThreads;
        private Duration spin;
        private int threads = Runtime.getRuntime().availableProcessors();
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
        public Builder broker(MessageBroker broker) {
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
         */
        public Builder executor(Executor executor) {
            Objects.requireNonNull(executor, "executor");
            checkNoExecutorYet();
            this.executor = executor;
            return this;
        }

        /**
         * Runs every actor run on a virtual thread of its own (for blocking handlers).
         *
         * @return this builder
         */
        public Builder virtualThreads() {
            checkNoExecutorYet();
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
         * Sets the number of dispatcher threads of the system's own pool (default: cores).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder threads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + count);
            }
            this.threads = count;
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
