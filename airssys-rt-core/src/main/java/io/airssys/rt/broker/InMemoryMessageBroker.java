package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Registration;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;
import io.airssys.rt.internal.broker.Fanout;
import io.airssys.rt.internal.broker.ListenerChain;
import io.airssys.rt.internal.broker.Refusals;
import io.airssys.rt.internal.broker.RequestPath;
import io.airssys.rt.internal.delivery.MailboxOwner;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.internal.delivery.Outcomes;
import io.airssys.rt.internal.delivery.RoutingTable;
import io.airssys.rt.internal.timer.BrokerTimeouts;
import io.airssys.rt.internal.topic.SubscriberChoice;
import io.airssys.rt.internal.topic.TopicRegistry;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorDirectory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The embedded broker: routes messages between actors of one JVM (spec:
 * {@code InMemoryMessageBroker}).
 *
 * <p>Lookups are lock-free on a compact open-addressing table keyed by the actor id's
 * {@code long}; registration takes a short lock. Each actor has its own mailbox; messages
 * are passed by reference, never copied. Delivery is at most once: a message is either
 * processed once or its sender gets an error, and the message goes to the
 * {@link #deadLetters() dead letter queue}.
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
 * scheduling a timer per request). Timeouts live on a hashed timing wheel (1 ms ticks; a
 * timeout fires at its deadline or up to one tick later, never before), whose wake-ups run on an
 * injected scheduler or on one daemon thread the broker starts on first use and stops on
 * {@link #close()}. Scheduling and cancelling a timeout are lock-free and a cancelled one is
 * released at once.
 *
 * <p>Topic routing ({@link #sendWithRouting}) picks one of the matching subscribers by the
 * <em>power of two choices</em>: two distinct subscribers at random, and the one with fewer
 * waiting messages gets the message. That keeps queues short without a shared counter.
 *
 * <p>This class is the facade: it checks arguments, resolves options and the closed state, and
 * hands each operation to one part (package {@code io.airssys.rt.internal.broker}): the routing
 * table is the registry, {@code RequestPath} sends to one id, {@code Fanout} gathers broadcasts
 * and publishes, {@code ListenerChain} holds the listeners, {@code Refusals} words every error,
 * and the timing wheel ({@code BrokerTimeouts}) runs the timeouts.
 */
public final class InMemoryMessageBroker implements BrokerNode {

    /** The default request timeout in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 30;

    /** The largest {@link Builder#expectedActors(int)}: a table sized for more is never allocated up front. */
    public static final int MAX_EXPECTED_ACTORS = 1 << 24;

    /** How long, by default, a caller's {@code join()} spins before parking, in microseconds. */
    public static final int DEFAULT_JOIN_SPIN_MICROS = 20;

    private final RoutingTable table;
    private final TopicRegistry<MpscMailbox<?>> topics = new TopicRegistry<>();
    private final Outcomes outcomes;
    /**
     * {@code outcomes.hooks()}, kept here as well: the consumer reads it per message, and this
     * object's fields are read-only after construction, while the {@code Outcomes} object sits
     * next to the {@code LongAdder} every send writes (reading it per message cost a quarter of
     * one actor's fire-and-forget rate: false sharing, docs/benchmarks/2026-11-30-instrumentation.md).
     */
    private final Instrumentation hooks;
    private final Owner owner = new Owner();
    private final long defaultTimeoutNanos; // 0: none
    private final int joinSpinMicros;
    private final BrokerTimeouts timeouts;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ListenerChain listeners = new ListenerChain();
    private final RequestPath requests;
    private final Fanout fanout;
    /** The node the actors see as their broker; {@code null}: this broker itself. */
    private final java.util.function.Supplier<? extends BrokerNode> outer;
    /** Told when an actor leaves on its own (it stopped); {@code null}: nobody. */
    private final java.util.function.Consumer<ActorId> onStopped;

    /** Creates a broker with the defaults (spec: {@code InMemoryMessageBroker::new()}). */
    public InMemoryMessageBroker() {
        this(builder());
    }

    private InMemoryMessageBroker(Builder b) {
        this.table = new RoutingTable(b.expectedActors);
        this.defaultTimeoutNanos = b.defaultTimeout == null ? 0 : b.defaultTimeout.toNanos();
        this.joinSpinMicros = (int) b.joinSpin.toNanos() / 1_000;
        this.timeouts = new BrokerTimeouts(b.scheduler);
        this.outcomes = new Outcomes(b.deadLetters != null ? b.deadLetters : new DeadLetterQueue(), b.instrumentation);
        this.hooks = outcomes.hooks();
        this.outer = b.outer;
        this.onStopped = b.onStopped;
        Refusals refusals = new Refusals(closed);
        this.requests = new RequestPath(table, outcomes, timeouts, listeners, refusals, joinSpinMicros);
        this.fanout = new Fanout(outcomes, timeouts, refusals, joinSpinMicros);
    }

    /**
     * Creates a broker whose routing table holds {@code capacity} actors without growing
     * (spec: {@code with_capacity}); shorthand for {@code builder().expectedActors(capacity).build()}.
     *
     * <p>{@code capacity} is a sizing hint, not a limit: the table grows past it as actors
     * register, so {@code 0} is valid and means "start with the smallest table" (as with a
     * collection's initial capacity). Negative values and values above
     * {@value #MAX_EXPECTED_ACTORS} are errors.
     *
     * @param capacity expected number of actors, 0 to {@value #MAX_EXPECTED_ACTORS}
     * @return a new broker
     * @throws IllegalArgumentException if {@code capacity} is negative or above {@value #MAX_EXPECTED_ACTORS}
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

    /**
     * Sends undelivered messages to {@code deadLetterQueue} from now on (spec:
     * {@code with_dead_letter_queue}). Every broker has one: by default a
     * {@link DeadLetterQueue#DeadLetterQueue() DeadLetterQueue()} of its own.
     *
     * @param deadLetterQueue the queue
     * @return this broker
     */
    public InMemoryMessageBroker withDeadLetterQueue(DeadLetterQueue deadLetterQueue) {
        outcomes.deadLetters(deadLetterQueue);
        return this;
    }

    @Override
    public DeadLetterQueue deadLetters() {
        return outcomes.deadLetters();
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
            Instrumentation hooks = outcomes.hooks();
            if (hooks != null) {
                hooks.onRegister(actorId);
            }
            return;
        }
        mb.unclaim(owner);
        if (result == RoutingTable.DUPLICATE) {
            throw new BrokerException(BrokerError.ALREADY_REGISTERED, actorId,
                    actorId + " is already registered; use a new ActorId or unregister the old actor first");
        }
        throw Refusals.closedError(actorId, "register " + actorId);
    }

    @Override
    public void unregister(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        MpscMailbox<?> mb = table.remove(actorId.asLong());
        if (mb == null) {
            if (closed.get()) {
                throw Refusals.closedError(actorId, "unregister " + actorId); // one signal for a closed broker
            }
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId + " is not registered");
        }
        // NOTE: after the table removal, so a concurrent subscribe either sees the actor gone or
        // completes before this removal (both take the registry lock): no orphan subscription.
        topics.removeAll(mb);
        mb.close(false);
        unregistered(actorId);
    }

    private void unregistered(ActorId actorId) {
        Instrumentation hooks = outcomes.hooks();
        if (hooks != null) {
            hooks.onUnregister(actorId);
        }
    }

    // ------------------------------------------------------------------ topics

    @Override
    public void subscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        if (closed.get()) {
            throw Refusals.closedError(actorId, "subscribe " + actorId + " to '" + pattern + "'");
        }
        if (topics.subscribe(actorId.asLong(), pattern, table::get) == TopicRegistry.Outcome.NOT_REGISTERED) {
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId
                    + " is not registered; register it before subscribing it to '" + pattern + "'");
        }
    }

    @Override
    public boolean unsubscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        return topics.unsubscribe(actorId.asLong(), pattern);
    }

    @Override
    public List<String> subscriptions(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        return topics.patterns(actorId.asLong());
    }

    // ------------------------------------------------------------------ delivery

    @Override
    public <R> CompletableFuture<R> send(ActorId actorId, Message<R> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        return requests.request(actorId, message, timeoutNanos(options), priorityOf(options, Priority.NORMAL),
                options.headers());
    }

    /** The timeout the options ask for, in nanoseconds; 0 for none. */
    private long timeoutNanos(SendOptions options) {
        if (options.hasNoTimeout()) {
            return 0;
        }
        Duration t = options.timeout();
        return t == null ? defaultTimeoutNanos : timeoutNanos(t);
    }

    private static Priority priorityOf(SendOptions options, Priority otherwise) {
        Priority p = options.priority();
        return p == null ? otherwise : p;
    }

    @Override
    public void trySend(ActorId actorId, Message<Void> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        // only an explicit timeout applies, checked when the message would start
        long deadline = options.timeout() == null ? 0 : timeoutNanos(options.timeout());
        requests.tell(actorId, message, deadline, priorityOf(options, Priority.NORMAL), options.headers());
    }

    @Override
    public <R> CompletableFuture<R> sendWithRouting(RoutingKey key, Message<R> message, SendOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        Priority priority = priorityOf(options, key.priority());
        MpscMailbox<?> chosen = SubscriberChoice.pickOne(topics.match(key.topic()));
        if (chosen == null) {
            return requests.unroutable(key.topic(), message, priority, options.headers());
        }
        return requests.request(chosen.actorId(), message, timeoutNanos(options), priority, options.headers());
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> publish(String topic, Message<R> message, SendOptions options) {
        Topics.checkConcrete(topic);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            return CompletableFuture.failedFuture(Refusals.closedError(null, "publish to '" + topic + "'"));
        }
        List<MpscMailbox<?>> targets = new ArrayList<>();
        for (Object o : topics.match(topic)) {
            MpscMailbox<?> m = (MpscMailbox<?>) o;
            if (!m.isClosed()) {
                targets.add(m);
            }
        }
        if (targets.isEmpty()) {
            outcomes.sent(1);
            Priority priority = priorityOf(options, Priority.NORMAL);
            DeliveryException error = Refusals.noSubscriber(topic);
            Instrumentation hooks = outcomes.hooks();
            Object token = hooks == null ? null : hooks.onSend(null, message, priority, options.headers());
            outcomes.undelivered(message, priority.ordinal(), System.nanoTime(), new DeadLetter.ToTopic(topic, true),
                    DeadLetterReason.NO_SUBSCRIBER, error.getMessage());
            if (hooks != null) {
                hooks.onOutcome(message, token, Outcome.NO_SUBSCRIBER, error);
            }
            listeners.current().onPublish(topic, message, List.of());
            return CompletableFuture.completedFuture(List.of());
        }
        BrokerListener listener = listeners.current();
        if (listener != BrokerListener.NONE) {
            listener.onPublish(topic, message, Fanout.idsOf(targets)); // the id list is built only for a listener
        }
        return gather(message, targets, options);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcast(Message<R> message, SendOptions options) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        return broadcastTo(message, null, options);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcastFilter(Message<R> message, Predicate<ActorId> filter,
                                                                 SendOptions options) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        return broadcastTo(message, filter, options);
    }

    private <R> CompletableFuture<List<Reply<R>>> broadcastTo(Message<R> message, Predicate<ActorId> filter,
                                                             SendOptions options) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(Refusals.closedError(null, "broadcast "
                    + message.getClass().getSimpleName()));
        }
        // one linearizable view of the registrations (isRegistered agrees with it); the user's
        // filter runs outside the table's lock. A target that leaves after the snapshot fails on
        // enqueue, like a send racing an unregister.
        List<MpscMailbox<?>> targets = table.snapshot();
        if (filter != null) {
            targets.removeIf(m -> !filter.test(m.actorId()));
        }
        BrokerListener listener = listeners.current();
        if (listener != BrokerListener.NONE) {
            listener.onBroadcast(message, Fanout.idsOf(targets));
        }
        return gather(message, targets, options);
    }

    private <R> CompletableFuture<List<Reply<R>>> gather(Message<R> message, List<MpscMailbox<?>> targets,
                                                         SendOptions options) {
        return fanout.gather(message, targets, timeoutNanos(options), priorityOf(options, Priority.NORMAL),
                options.headers());
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public Registration addListener(BrokerListener newListener) {
        return listeners.add(newListener);
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
        return table.actorIds();
    }

    /** {@inheritDoc} Every actor of this broker is {@link io.airssys.rt.spi.ActorLocation.Local}. */
    @Override
    public ActorDirectory directory() {
        return table;
    }

    @Override
    public BrokerMetrics metrics() {
        return outcomes.snapshot(table.size());
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            for (MpscMailbox<?> m : table.closeAndClear()) {
                try {
                    topics.removeAll(m);
                } finally {
                    m.close(true); // whatever else fails, every mailbox is closed
                    unregistered(m.actorId());
                }
            }
        } finally {
            timeouts.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** The broker as its mailboxes see it; kept apart so none of this is public API. */
    private final class Owner implements MailboxOwner {
        @Override
        public MessageBroker broker() {
            return outer == null ? InMemoryMessageBroker.this : outer.get();
        }

        @Override
        public Outcomes outcomes() {
            return outcomes;
        }

        @Override
        public Instrumentation hooks() {
            return hooks;
        }

        @Override
        public void deregister(MpscMailbox<?> mailbox) {
            boolean removed = table.remove(mailbox);
            if (removed) {
                topics.removeAll(mailbox);
            }
            mailbox.close(false);
            if (removed) {
                unregistered(mailbox.actorId());
            }
            if (removed && onStopped != null) {
                try {
                    onStopped.accept(mailbox.actorId());
                } catch (RuntimeException e) {
                    System.getLogger("io.airssys.rt.broker").log(System.Logger.Level.WARNING,
                            "the outer node's stop callback threw; ignored", e);
                }
            }
        }
    }

    /** Configures an {@link InMemoryMessageBroker}; each option may be set once. */
    public static final class Builder {
        private int expectedActors = 16;
        private Duration defaultTimeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        private ScheduledExecutorService scheduler;
        private DeadLetterQueue deadLetters;
        private Duration joinSpin = Duration.ofNanos(DEFAULT_JOIN_SPIN_MICROS * 1_000L);
        private boolean joinSpinSet;
        private boolean timeoutSet;
        private boolean expectedSet;
        private java.util.function.Supplier<? extends BrokerNode> outer;
        private java.util.function.Consumer<ActorId> onStopped;
        private Instrumentation instrumentation;

        private Builder() {
        }

        /**
         * Sizes the routing table for this many actors (spec: {@code with_capacity}). The table
         * still grows past it when needed; the bound only keeps a typo from reserving gigabytes.
         *
         * @param actors expected number of registered actors, 0 to {@value InMemoryMessageBroker#MAX_EXPECTED_ACTORS}
         * @return this builder
         */
        public Builder expectedActors(int actors) {
            if (actors < 0 || actors > MAX_EXPECTED_ACTORS) {
                throw new IllegalArgumentException("expectedActors must be between 0 and " + MAX_EXPECTED_ACTORS
                        + ", was " + actors);
            }
            expectedSet = once(expectedSet, "expectedActors");
            this.expectedActors = actors;
            return this;
        }

        /**
         * Sets the timeout of {@link #send(ActorId, Message)}, of routed and prioritised sends,
         * and of broadcasts and publishes.
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
         * Sets how long a thread that calls {@code join()} or {@code get()} on a reply spins
         * before it parks (default {@value InMemoryMessageBroker#DEFAULT_JOIN_SPIN_MICROS} µs).
         * Waking a parked thread costs tens of microseconds on a typical VM; a short spin
         * catches replies that arrive sooner. {@link Duration#ZERO} parks at once.
         *
         * @param spin from 0 to 32 milliseconds
         * @return this builder
         */
        public Builder joinSpin(Duration spin) {
            Objects.requireNonNull(spin, "spin");
            if (spin.isNegative() || spin.compareTo(Duration.ofNanos(Short.MAX_VALUE * 1_000L)) > 0) {
                throw new IllegalArgumentException("joinSpin must be between 0 and " + Short.MAX_VALUE
                        + " microseconds, was " + spin);
            }
            joinSpinSet = once(joinSpinSet, "joinSpin");
            this.joinSpin = spin;
            return this;
        }

        /**
         * Runs timeouts on {@code scheduler} instead of a thread of the broker's own. The
         * broker never shuts an injected scheduler down. The scheduler sees only the timing
         * wheel's wake-ups (one task at a time, at most one tick apart while timeouts are
         * pending, none while there are none), never a task per request; timeouts fire on its
         * clock (the testkit's {@code ManualScheduler} drives them by hand).
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
         * Sends undelivered messages to {@code queue} (default: a new {@link DeadLetterQueue}).
         *
         * @param queue the dead letter queue
         * @return this builder
         */
        public Builder deadLetterQueue(DeadLetterQueue queue) {
            Objects.requireNonNull(queue, "queue");
            if (this.deadLetters != null) {
                throw new IllegalStateException("deadLetterQueue was already set");
            }
            this.deadLetters = queue;
            return this;
        }

        /**
         * Installs instrumentation: hooks that see every message sent, processed and retired, and
         * every actor registered and unregistered (see {@link Instrumentation} for when each runs).
         * Without it (the default) the broker calls no hook and reads no clock for them. Combine
         * several with {@link Instrumentation#compose}.
         *
         * @param instrumentation the hooks
         * @return this builder
         * @throws IllegalStateException if instrumentation was already set
         */
        public Builder instrumentation(Instrumentation instrumentation) {
            Objects.requireNonNull(instrumentation, "instrumentation");
            if (this.instrumentation != null) {
                throw new IllegalStateException("instrumentation was already set; combine several with"
                        + " Instrumentation.compose(...)");
            }
            this.instrumentation = instrumentation;
            return this;
        }

        /**
         * Makes this broker the local part of another node: a broker that keeps the actors of
         * its JVM here and reaches other actors itself (a distributed node). Its actors then see
         * that node as {@link io.airssys.rt.actor.ActorContext#broker()} (so their own sends can
         * reach actors anywhere), and an {@link io.airssys.rt.actor.ActorSystem} over that node
         * may attach actors to mailboxes registered here through it.
         *
         * <p>{@code stopped} is told when one of this broker's actors leaves on its own (it
         * stopped: {@code ActorContext.stop()}, {@code Directive.STOP}, a fatal error), not
         * through {@code unregister} or {@code close}, so the outer node can remove it from its
         * own registry. It runs on the actor's thread after the mailbox closed and must not block.
         *
         * @param node    supplies the outer node (called when an actor first needs it, so it may
         *                be the node under construction)
         * @param stopped told the id of an actor that stopped on its own
         * @return this builder
         */
        public Builder localPartOf(java.util.function.Supplier<? extends BrokerNode> node,
                                   java.util.function.Consumer<ActorId> stopped) {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(stopped, "stopped");
            if (this.outer != null) {
                throw new IllegalStateException("localPartOf was already set");
            }
            this.outer = node;
            this.onStopped = stopped;
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
