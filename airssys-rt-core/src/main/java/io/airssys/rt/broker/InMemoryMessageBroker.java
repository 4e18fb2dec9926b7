package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Registration;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MailboxOwner;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.internal.delivery.Outcomes;
import io.airssys.rt.internal.delivery.ReplyGather;
import io.airssys.rt.internal.delivery.RoutingTable;
import io.airssys.rt.internal.timer.BrokerTimeouts;
import io.airssys.rt.internal.timer.Timeout;
import io.airssys.rt.internal.topic.TopicRegistry;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorDirectory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
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
 */
public final class InMemoryMessageBroker implements BrokerNode {

    /** The default request timeout in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 30;

    /** The largest {@link Builder#expectedActors(int)}: a table sized for more is never allocated up front. */
    public static final int MAX_EXPECTED_ACTORS = 1 << 24;

    /** How long, by default, a caller's {@code join()} spins before parking, in microseconds. */
    public static final int DEFAULT_JOIN_SPIN_MICROS = 20;

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.broker");

    private final RoutingTable table;
    private final TopicRegistry<MpscMailbox<?>> topics = new TopicRegistry<>();
    private final Outcomes outcomes;
    private final Owner owner = new Owner();
    private final long defaultTimeoutNanos; // 0: none
    private final int joinSpinMicros;
    private final BrokerTimeouts timeouts;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock listenerLock = new ReentrantLock();
    private volatile BrokerListener listener = BrokerListener.NONE;

    /** Creates a broker with the defaults (spec: {@code InMemoryMessageBroker::new()}). */
    public InMemoryMessageBroker() {
        this(builder());
    }

    private InMemoryMessageBroker(Builder b) {
        this.table = new RoutingTable(b.expectedActors);
        this.defaultTimeoutNanos = b.defaultTimeout == null ? 0 : b.defaultTimeout.toNanos();
        this.joinSpinMicros = (int) b.joinSpin.toNanos() / 1_000;
        this.timeouts = new BrokerTimeouts(b.scheduler);
        this.outcomes = new Outcomes(b.deadLetters != null ? b.deadLetters : new DeadLetterQueue());
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
            return;
        }
        mb.unclaim(owner);
        if (result == RoutingTable.DUPLICATE) {
            throw new BrokerException(BrokerError.ALREADY_REGISTERED, actorId,
                    actorId + " is already registered; use a new ActorId or unregister the old actor first");
        }
        throw closedError(actorId, "register " + actorId);
    }

    @Override
    public void unregister(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        MpscMailbox<?> mb = table.remove(actorId.asLong());
        if (mb == null) {
            if (closed.get()) {
                throw closedError(actorId, "unregister " + actorId); // one signal for a closed broker
            }
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId + " is not registered");
        }
        // NOTE: after the table removal, so a concurrent subscribe either sees the actor gone or
        // completes before this removal (both take the registry lock): no orphan subscription.
        topics.removeAll(mb);
        mb.close(false);
    }

    // ------------------------------------------------------------------ topics

    @Override
    public void subscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        if (closed.get()) {
            throw closedError(actorId, "subscribe " + actorId + " to '" + pattern + "'");
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
        return request(actorId, message, timeoutNanos(options), priorityOf(options, Priority.NORMAL),
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

    private <R> CompletableFuture<R> request(ActorId actorId, Message<R> message, long timeoutNanos,
                                             Priority priority, Map<String, String> headers) {
        Envelope e = Envelope.request(message, priority, joinSpinMicros, headers);
        outcomes.sent(1);
        listener.onSend(actorId, message, priority);
        long t0 = outcomes.sampleStart();
        MpscMailbox<?> mb = table.get(actorId.asLong());
        long lookupNanos = t0 == 0L ? 0L : System.nanoTime() - t0;
        if (mb == null) {
            DeliveryException error = notDelivered(actorId, message);
            e.retireUndelivered(error, reasonOf(error), new DeadLetter.ToActor(actorId), outcomes);
        } else {
            deliver(e, mb, actorId, message, timeoutNanos, lookupNanos);
        }
        return future(e);
    }

    /** Schedules the timeout and enqueues; any refusal fails and dead-letters the envelope. */
    private void deliver(Envelope e, MpscMailbox<?> mb, ActorId actorId, Message<?> message, long timeoutNanos,
                         long lookupNanos) {
        try {
            if (timeoutNanos > 0) {
                e.deadlineAfter(timeoutNanos);
                e.timeoutTask(scheduleTimeout(e, actorId, timeoutNanos));
            }
        } catch (IllegalStateException schedulerRejected) { // the broker closed while we sent
            e.retireFailed(closed.get() ? closedError(actorId, "send " + message.getClass().getSimpleName()
                    + " to " + actorId) : schedulerRejected, outcomes);
            return;
        }
        // NOTE: the routing sample is the lookup plus the enqueue: the timer above and the
        // executor hand-off after the enqueue are left out (the start is shifted by the lookup).
        int result = mb.offer(e, true, lookupNanos == 0L ? 0L : System.nanoTime() - lookupNanos);
        if (result != MpscMailbox.ACCEPTED && result != MpscMailbox.PARKED) {
            DeliveryException error = rejected(result, actorId, message, mb);
            e.retireUndelivered(error, reasonOf(error), new DeadLetter.ToActor(actorId), outcomes);
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<R> future(Envelope e) {
        return (CompletableFuture<R>) (CompletableFuture<?>) e;
    }

    @Override
    public void trySend(ActorId actorId, Message<Void> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        Priority priority = priorityOf(options, Priority.NORMAL);
        Envelope e = Envelope.oneWay(message, priority, options.headers());
        if (options.timeout() != null) {
            e.deadlineAfter(timeoutNanos(options.timeout())); // only an explicit one: checked when it would start
        }
        outcomes.sent(1);
        listener.onSend(actorId, message, priority);
        long t0 = outcomes.sampleStart();
        MpscMailbox<?> mb = table.get(actorId.asLong());
        DeliveryException error;
        int result;
        if (mb == null) {
            error = notDelivered(actorId, message);
            result = MpscMailbox.CLOSED_MAILBOX;
        } else {
            result = mb.offer(e, false, t0); // the sample ends once enqueued, before the actor is scheduled
            if (result == MpscMailbox.ACCEPTED) {
                return;
            }
            error = rejected(result, actorId, message, mb);
        }
        e.retireUndelivered(error, reasonOf(error), new DeadLetter.ToActor(actorId), outcomes);
        if (result != MpscMailbox.DROPPED) {
            throw error; // DROP_NEWEST drops quietly: the message is in the dead letter queue
        }
    }

    @Override
    public <R> CompletableFuture<R> sendWithRouting(RoutingKey key, Message<R> message, SendOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        Priority priority = priorityOf(options, key.priority());
        MpscMailbox<?> chosen = pickOne(topics.match(key.topic()));
        if (chosen == null) {
            Envelope e = Envelope.request(message, priority, joinSpinMicros, options.headers());
            outcomes.sent(1);
            boolean isClosed = closed.get(); // closing removed every subscription: say why
            e.retireUndelivered(isClosed ? closedError(null, "route " + message.getClass().getSimpleName() + " to '"
                            + key.topic() + "'") : noSubscriber(key.topic()),
                    isClosed ? DeadLetterReason.ACTOR_STOPPED : DeadLetterReason.NO_SUBSCRIBER,
                    new DeadLetter.ToTopic(key.topic(), false), outcomes);
            return future(e);
        }
        return request(chosen.actorId(), message, timeoutNanos(options), priority, options.headers());
    }

    /** Power of two choices: of two random open subscribers, the one with the shorter queue. */
    private static MpscMailbox<?> pickOne(Object[] subscribers) {
        int n = subscribers.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            MpscMailbox<?> only = (MpscMailbox<?>) subscribers[0];
            return only.isClosed() ? null : only;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        MpscMailbox<?> a = (MpscMailbox<?>) subscribers[i];
        MpscMailbox<?> b = (MpscMailbox<?>) subscribers[j];
        if (!a.isClosed() && !b.isClosed()) {
            return b.size() < a.size() ? b : a;
        }
        for (int k = 0; k < n; k++) { // a subscriber left since the match was cached: find an open one
            MpscMailbox<?> m = (MpscMailbox<?>) subscribers[(i + k) % n];
            if (!m.isClosed()) {
                return m;
            }
        }
        return null;
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> publish(String topic, Message<R> message, SendOptions options) {
        Topics.checkConcrete(topic);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError(null, "publish to '" + topic + "'"));
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
            outcomes.undelivered(message, priorityOf(options, Priority.NORMAL).ordinal(), System.nanoTime(),
                    new DeadLetter.ToTopic(topic, true), DeadLetterReason.NO_SUBSCRIBER,
                    noSubscriber(topic).getMessage());
            listener.onPublish(topic, message, List.of());
            return CompletableFuture.completedFuture(List.of());
        }
        if (listener != BrokerListener.NONE) {
            listener.onPublish(topic, message, idsOf(targets)); // the id list is built only for a listener
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
            return CompletableFuture.failedFuture(closedError(null, "broadcast "
                    + message.getClass().getSimpleName()));
        }
        // one linearizable view of the registrations (isRegistered agrees with it); the user's
        // filter runs outside the table's lock. A target that leaves after the snapshot fails on
        // enqueue, like a send racing an unregister.
        List<MpscMailbox<?>> targets = table.snapshot();
        if (filter != null) {
            targets.removeIf(m -> !filter.test(m.actorId()));
        }
        if (listener != BrokerListener.NONE) {
            listener.onBroadcast(message, idsOf(targets));
        }
        return gather(message, targets, options);
    }

    private static List<ActorId> idsOf(List<MpscMailbox<?>> targets) {
        List<ActorId> ids = new ArrayList<>(targets.size());
        for (MpscMailbox<?> m : targets) {
            ids.add(m.actorId());
        }
        return Collections.unmodifiableList(ids);
    }

    private <R> CompletableFuture<List<Reply<R>>> gather(Message<R> message, List<MpscMailbox<?>> targets,
                                                         SendOptions options) {
        int n = targets.size();
        long timeout = timeoutNanos(options);
        Priority priority = priorityOf(options, Priority.NORMAL);
        ReplyGather<R> gather = new ReplyGather<>(n, joinSpinMicros);
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Envelope e = gather.envelope(i, targets.get(i).id(), message, priority, now, options.headers());
            if (timeout > 0) {
                e.deadlineAfter(timeout);
            }
        }
        if (n > 0 && timeout > 0) {
            try {
                gather.timeoutTask(timeouts.schedule(() -> timeOutAll(gather, timeout), timeout));
            } catch (IllegalStateException schedulerRejected) {
                return CompletableFuture.failedFuture(closed.get() ? closedError(null, "broadcast "
                        + message.getClass().getSimpleName()) : schedulerRejected); // nothing was sent
            }
        }
        outcomes.sent(n);
        for (int i = 0; i < n; i++) {
            MpscMailbox<?> m = targets.get(i);
            Envelope e = gather.envelope(i);
            int result = m.offer(e, true);
            if (result != MpscMailbox.ACCEPTED && result != MpscMailbox.PARKED) {
                ActorId id = gather.actorId(i);
                DeliveryException error = rejected(result, id, message, m);
                e.retireUndelivered(error, reasonOf(error), new DeadLetter.ToActor(id), outcomes);
            }
        }
        return gather;
    }

    private void timeOutAll(ReplyGather<?> gather, long nanos) {
        Duration timeout = Duration.ofNanos(nanos);
        for (int i = 0; i < gather.size(); i++) {
            gather.envelope(i).expire(gather.actorId(i), timeout);
        }
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public Registration addListener(BrokerListener newListener) {
        Objects.requireNonNull(newListener, "listener");
        listenerLock.lock();
        try {
            listener = Listeners.with(listener, newListener);
        } finally {
            listenerLock.unlock();
        }
        AtomicBoolean removed = new AtomicBoolean();
        return () -> {
            if (removed.compareAndSet(false, true)) {
                listenerLock.lock();
                try {
                    listener = Listeners.without(listener, newListener);
                } finally {
                    listenerLock.unlock();
                }
            }
        };
    }

    /**
     * Several listeners as one; each call is isolated from the others' exceptions and errors
     * (an {@code AssertionError} from a test's listener must not break a send after it was
     * counted), except a {@link VirtualMachineError}, which no listener can make safe.
     */
    private record Listeners(BrokerListener[] all) implements BrokerListener {

        private static void ignore(Throwable t) {
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
            LOG.log(System.Logger.Level.WARNING, "a broker listener threw; ignored", t);
        }

        static BrokerListener with(BrokerListener current, BrokerListener added) {
            if (current == NONE) {
                return new Listeners(new BrokerListener[] {added});
            }
            BrokerListener[] old = ((Listeners) current).all;
            BrokerListener[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = added;
            return new Listeners(next);
        }

        static BrokerListener without(BrokerListener current, BrokerListener removed) {
            if (current == NONE) {
                return NONE;
            }
            BrokerListener[] left = Arrays.stream(((Listeners) current).all).filter(l -> l != removed)
                    .toArray(BrokerListener[]::new);
            return left.length == 0 ? NONE : new Listeners(left);
        }

        @Override
        public void onSend(ActorId target, Message<?> message, Priority priority) {
            for (BrokerListener l : all) {
                try {
                    l.onSend(target, message, priority);
                } catch (Throwable t) {
                    ignore(t);
                }
            }
        }

        @Override
        public void onBroadcast(Message<?> message, List<ActorId> targets) {
            for (BrokerListener l : all) {
                try {
                    l.onBroadcast(message, targets);
                } catch (Throwable t) {
                    ignore(t);
                }
            }
        }

        @Override
        public void onPublish(String topic, Message<?> message, List<ActorId> targets) {
            for (BrokerListener l : all) {
                try {
                    l.onPublish(topic, message, targets);
                } catch (Throwable t) {
                    ignore(t);
                }
            }
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
                }
            }
        } finally {
            timeouts.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private Timeout scheduleTimeout(Envelope e, ActorId actorId, long nanos) {
        return timeouts.schedule(() -> e.expire(actorId, Duration.ofNanos(nanos)), nanos);
    }

    private DeliveryException notDelivered(ActorId actorId, Message<?> message) {
        return closed.get()
                ? closedError(actorId, "send " + message.getClass().getSimpleName() + " to " + actorId)
                : new SendException(SendError.ACTOR_NOT_FOUND, actorId, message.getClass().getSimpleName(),
                        "no actor is registered under this id", null);
    }

    /** The dead letter reason of an undelivered message; a closed broker's refusals count as ACTOR_STOPPED. */
    private static DeadLetterReason reasonOf(DeliveryException error) {
        return error instanceof SendException se ? Envelope.reasonOf(se.error()) : DeadLetterReason.ACTOR_STOPPED;
    }

    private DeliveryException rejected(int result, ActorId actorId, Message<?> message, MpscMailbox<?> mb) {
        if (result == MpscMailbox.FULL || result == MpscMailbox.DROPPED) {
            // stackless: backpressure is expected and frequent, and a stack trace would cost more
            // than the send (issue 10); the message text still names actor, type and capacity
            return new SendException(SendError.MAILBOX_FULL, actorId, message.getClass().getSimpleName(),
                    "its bounded mailbox holds " + mb.capacity() + " messages (" + mb.overflow()
                    + "); retry later or raise the capacity", null, false);
        }
        // The mailbox closed between the lookup and the enqueue: the actor left while we sent.
        return notDelivered(actorId, message);
    }

    private static BrokerException noSubscriber(String topic) {
        return new BrokerException(BrokerError.ROUTING_FAILED, null,
                "no actor subscribes to a pattern matching topic '" + topic + "'");
    }

    /** The one signal for a closed broker, from every method (issue 10). */
    private static BrokerException closedError(ActorId actorId, String what) {
        return new BrokerException(BrokerError.BROKER_CLOSED, actorId,
                "cannot " + what + ": the InMemoryMessageBroker is closed");
    }

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
            return InMemoryMessageBroker.this;
        }

        @Override
        public Outcomes outcomes() {
            return outcomes;
        }

        @Override
        public void deregister(MpscMailbox<?> mailbox) {
            if (table.remove(mailbox)) {
                topics.removeAll(mailbox);
            }
            mailbox.close(false);
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
