package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.internal.delivery.BrokerCounters;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MailboxOwner;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.internal.delivery.ReplyGather;
import io.airssys.rt.internal.delivery.RoutingTable;
import io.airssys.rt.mailbox.Mailbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The embedded broker: routes messages between actors of one JVM (spec:
 * {@code InMemoryMessageBroker}).
 *
 * <p>Lookups are lock-free on a compact open-addressing table keyed by the actor id's
 * {@code long}; registration takes a short lock. Each actor has its own mailbox; messages
 * are passed by reference, never copied. Delivery is at most once: a message is either
 * processed once or its sender gets an error.
 *
 * <pre>{@code
 * try (var broker = new InMemoryMessageBroker()) { ... }
 * var tuned = InMemoryMessageBroker.builder()
 *         .expectedActors(100_000)
 *         .defaultTimeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * <p>Timeouts: {@link #send(ActorId, Message)} uses the default timeout ({@value #DEFAULT_TIMEOUT_SECONDS}
 * seconds unless configured; {@link Builder#noDefaultTimeout()} turns it off, which saves
 * scheduling a timer per request). Timers run on an injected scheduler or on one daemon
 * thread the broker starts on first use and stops on {@link #close()}.
 */
public final class InMemoryMessageBroker implements MessageBroker {

    /** The default request timeout in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 30;

    private final RoutingTable table;
    private final BrokerCounters counters = new BrokerCounters();
    private final Owner owner = new Owner();
    private final long defaultTimeoutNanos; // 0: none
    private final ScheduledExecutorService injectedScheduler;
    private final ReentrantLock schedulerLock = new ReentrantLock();
    private volatile ScheduledExecutorService ownedScheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Creates a broker with the defaults (spec: {@code InMemoryMessageBroker::new()}). */
    public InMemoryMessageBroker() {
        this(builder());
    }

    private InMemoryMessageBroker(Builder b) {
        this.table = new RoutingTable(b.expectedActors);
        this.defaultTimeoutNanos = b.defaultTimeout == null ? 0 : b.defaultTimeout.toNanos();
        this.injectedScheduler = b.scheduler;
    }

    /**
     * Creates a broker whose routing table holds {@code capacity} actors without growing
     * (spec: {@code with_capacity}).
     *
     * @param capacity expected number of actors, at least 0
     * @return a new broker
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public static InMemoryMessageBroker withCapacity(int capacity) {
        return builder().expectedActors(capacity).build();
    }

    /**
     * Starts a builder for a configured broker.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ registration

    @Override
    public void register(ActorId actorId, Mailbox<?> mailbox) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(mailbox, "mailbox");
        MpscMailbox<?> mb = (MpscMailbox<?>) mailbox; // Mailbox is sealed: this is the only kind
        mb.claim(owner);
        int result = table.insert(actorId.asLong(), mb);
        if (result == RoutingTable.INSERTED) {
            return;
        }
        mb.unclaim(owner);
        if (result == RoutingTable.DUPLICATE) {
            throw new BrokerException(BrokerError.ALREADY_REGISTERED, actorId,
                    actorId + " is already registered; use a new ActorId or unregister the old actor first");
        }
        throw closedError("register " + actorId);
    }

    @Override
    public void unregister(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        MpscMailbox<?> mb = table.remove(actorId.asLong());
        if (mb == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId + " is not registered"
                    + (closed.get() ? " (the broker is closed)" : ""));
        }
        mb.close(false);
    }

    // ------------------------------------------------------------------ delivery

    @Override
    public <R> CompletableFuture<R> send(ActorId actorId, Message<R> message) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        return request(actorId, message, defaultTimeoutNanos);
    }

    @Override
    public <R> CompletableFuture<R> send(ActorId actorId, Message<R> message, Duration timeout) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        return request(actorId, message, timeoutNanos(timeout));
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> request(ActorId actorId, Message<R> message, long timeoutNanos) {
        Envelope e = Envelope.of(message);
        counters.sent(1);
        long t0 = counters.sampleStart();
        MpscMailbox<?> mb = table.get(actorId.asLong());
        if (mb == null) {
            e.retireFailed(notDelivered(actorId, message), counters);
        } else {
            int result;
            try {
                if (timeoutNanos > 0) {
                    e.timeoutTask(scheduleTimeout(e, actorId, message, timeoutNanos));
                }
                result = mb.offer(e);
            } catch (IllegalStateException schedulerRejected) {
                e.retireFailed(schedulerRejected, counters);
                return (CompletableFuture<R>) (CompletableFuture<?>) e;
            }
            counters.sampleEnd(t0);
            if (result != MpscMailbox.ACCEPTED) {
                e.retireFailed(rejected(result, actorId, message, mb), counters);
            }
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) e;
    }

    @Override
    public void trySend(ActorId actorId, Message<Void> message) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        counters.sent(1);
        long t0 = counters.sampleStart();
        MpscMailbox<?> mb = table.get(actorId.asLong());
        if (mb == null) {
            counters.failed();
            throw notDelivered(actorId, message);
        }
        int result = mb.offer(Envelope.oneWay(message));
        counters.sampleEnd(t0);
        if (result != MpscMailbox.ACCEPTED) {
            counters.failed();
            throw rejected(result, actorId, message, mb);
        }
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcast(Message<R> message) {
        Objects.requireNonNull(message, "message");
        return gather(message, null);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcastFilter(Message<R> message, Predicate<ActorId> filter) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(filter, "filter");
        return gather(message, filter);
    }

    private <R> CompletableFuture<List<Reply<R>>> gather(Message<R> message, Predicate<ActorId> filter) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError("broadcast " + message.getClass().getSimpleName()));
        }
        List<MpscMailbox<?>> targets = new ArrayList<>(Math.max(4, table.size()));
        for (MpscMailbox<?> m = table.first(); m != null; m = RoutingTable.next(m)) {
            if (!m.isClosed() && (filter == null || filter.test(m.actorId()))) {
                targets.add(m);
            }
        }
        int n = targets.size();
        ReplyGather<R> gather = new ReplyGather<>(n);
        for (int i = 0; i < n; i++) {
            MpscMailbox<?> m = targets.get(i);
            gather.envelope(i, m.actorId().asLong(), message);
        }
        if (n > 0 && defaultTimeoutNanos > 0) {
            try {
                gather.timeoutTask(schedule(() -> timeOutAll(gather, message), defaultTimeoutNanos));
            } catch (IllegalStateException schedulerRejected) {
                return CompletableFuture.failedFuture(schedulerRejected); // nothing was sent
            }
        }
        counters.sent(n);
        for (int i = 0; i < n; i++) {
            MpscMailbox<?> m = targets.get(i);
            Envelope e = gather.envelope(i);
            int result = m.offer(e);
            if (result != MpscMailbox.ACCEPTED) {
                e.retireFailed(rejected(result, m.actorId(), message, m), counters);
            }
        }
        return gather;
    }

    private void timeOutAll(ReplyGather<?> gather, Message<?> message) {
        for (int i = 0; i < gather.size(); i++) {
            gather.envelope(i).fail(new SendException(SendError.TIMEOUT, gather.actorId(i),
                    message.getClass().getSimpleName(), "no reply within the broadcast timeout of "
                    + Duration.ofNanos(defaultTimeoutNanos), null));
        }
    }

    // ------------------------------------------------------------------ queries

    @Override
    public boolean isRegistered(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        return table.get(actorId.asLong()) != null;
    }

    @Override
    public int registeredCount() {
        return table.size();
    }

    @Override
    public List<ActorId> actorIds() {
        List<ActorId> ids = new ArrayList<>(table.size());
        for (MpscMailbox<?> m = table.first(); m != null; m = RoutingTable.next(m)) {
            if (!m.isClosed()) {
                ids.add(m.actorId());
            }
        }
        return Collections.unmodifiableList(ids);
    }

    @Override
    public BrokerMetrics metrics() {
        return counters.snapshot(table.size());
    }

    /**
     * Returns whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (MpscMailbox<?> m : table.closeAndClear()) {
            m.close(true);
        }
        schedulerLock.lock();
        try {
            ScheduledExecutorService s = ownedScheduler;
            if (s != null) {
                s.shutdownNow();
            }
        } finally {
            schedulerLock.unlock();
        }
    }

    // ------------------------------------------------------------------ helpers

    private Future<?> scheduleTimeout(Envelope e, ActorId actorId, Message<?> message, long nanos) {
        return schedule(() -> e.fail(new SendException(SendError.TIMEOUT, actorId,
                message.getClass().getSimpleName(), "no reply within " + Duration.ofNanos(nanos), null)), nanos);
    }

    /** Schedules a timeout; {@code null} if the scheduler refuses (only while closing: close fails the message). */
    private Future<?> schedule(Runnable task, long nanos) {
        try {
            return scheduler().schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            if (!closed.get()) {
                throw new IllegalStateException("the timeout scheduler rejected a timeout task; was the "
                        + "ScheduledExecutorService given to the broker shut down?", closing);
            }
            return null;
        }
    }

    private ScheduledExecutorService scheduler() {
        if (injectedScheduler != null) {
            return injectedScheduler;
        }
        ScheduledExecutorService s = ownedScheduler;
        if (s != null) {
            return s;
        }
        schedulerLock.lock();
        try {
            s = ownedScheduler;
            if (s == null) {
                ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "airssys-rt-timer");
                    t.setDaemon(true);
                    return t;
                });
                stpe.setRemoveOnCancelPolicy(true); // results usually beat timeouts: free the task now
                if (closed.get()) {
                    stpe.shutdown(); // a send racing with close: its timer is moot
                }
                ownedScheduler = s = stpe;
            }
            return s;
        } finally {
            schedulerLock.unlock();
        }
    }

    private SendException notDelivered(ActorId actorId, Message<?> message) {
        return closed.get()
                ? new SendException(SendError.ACTOR_STOPPED, actorId, message.getClass().getSimpleName(),
                        "the broker is closed", null)
                : new SendException(SendError.ACTOR_NOT_FOUND, actorId, message.getClass().getSimpleName(),
                        "no actor is registered under this id", null);
    }

    private SendException rejected(int result, ActorId actorId, Message<?> message, MpscMailbox<?> mb) {
        if (result == MpscMailbox.FULL) {
            return new SendException(SendError.MAILBOX_FULL, actorId, message.getClass().getSimpleName(),
                    "its bounded mailbox holds " + mb.capacity() + " messages; retry later or raise the capacity",
                    null);
        }
        // The mailbox closed between the lookup and the enqueue: the actor left while we sent.
        return notDelivered(actorId, message);
    }

    private static IllegalStateException closedError(String what) {
        return new IllegalStateException("cannot " + what + ": the InMemoryMessageBroker is closed");
    }

    private static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return saturatedNanos(timeout);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** The broker as its mailboxes see it; kept apart so none of this is public API. */
    private final class Owner implements MailboxOwner {
        @Override
        public MessageBroker broker() {
            return InMemoryMessageBroker.this;
        }

        @Override
        public BrokerCounters counters() {
            return counters;
        }

        @Override
        public void deregister(MpscMailbox<?> mailbox) {
            table.remove(mailbox);
            mailbox.close(false);
        }
    }

    /** Configures an {@link InMemoryMessageBroker}; each option may be set once. */
    public static final class Builder {
        private int expectedActors = 16;
        private Duration defaultTimeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        private ScheduledExecutorService scheduler;
        private boolean timeoutSet;
        private boolean expectedSet;

        private Builder() {
        }

        /**
         * Sizes the routing table for this many actors (spec: {@code with_capacity}).
         *
         * @param actors expected number of registered actors, at least 0
         * @return this builder
         */
        public Builder expectedActors(int actors) {
            if (actors < 0) {
                throw new IllegalArgumentException("expectedActors must be at least 0, was " + actors);
            }
            expectedSet = once(expectedSet, "expectedActors");
            this.expectedActors = actors;
            return this;
        }

        /**
         * Sets the timeout of {@link #send(ActorId, Message)} and of broadcasts.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder defaultTimeout(Duration timeout) {
            long nanos = timeoutNanos(timeout);
            timeoutSet = once(timeoutSet, "defaultTimeout/noDefaultTimeout");
            this.defaultTimeout = Duration.ofNanos(nanos);
            return this;
        }

        /**
         * Removes the default timeout: requests without their own timeout wait until the actor
         * answers or the broker closes. Saves a timer per request (the low-latency setting).
         *
         * @return this builder
         */
        public Builder noDefaultTimeout() {
            timeoutSet = once(timeoutSet, "defaultTimeout/noDefaultTimeout");
            this.defaultTimeout = null;
            return this;
        }

        /**
         * Runs timeouts on {@code scheduler} instead of a thread of the broker's own. The
         * broker never shuts an injected scheduler down.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            Objects.requireNonNull(scheduler, "scheduler");
            if (this.scheduler != null) {
                throw new IllegalStateException("scheduler was already set");
            }
            this.scheduler = scheduler;
            return this;
        }

        /**
         * Builds the broker.
         *
         * @return a new broker
         */
        public InMemoryMessageBroker build() {
            return new InMemoryMessageBroker(this);
        }

        private static boolean once(boolean alreadySet, String option) {
            if (alreadySet) {
                throw new IllegalStateException(option + " was already set");
            }
            return true;
        }
    }
}
