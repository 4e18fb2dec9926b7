package io.airssys.rt.deadletter;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Registration;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.RoutingKey;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Keeps the messages a broker could not deliver (spec: {@code DeadLetterQueue}), so they can
 * be inspected, drained, listened to and replayed.
 *
 * <p>Bounded: when full, the oldest entry is evicted to make room and counted in
 * {@link #evictedCount()}. Counts by reason cover every dead letter ever offered, evicted or
 * not.
 *
 * <p>Logging is summarised so that a burst cannot flood the log: the first dead letter of each
 * {@code logInterval} (default 10 s) is logged on its own line at WARNING
 * ({@code System.Logger} "io.airssys.rt.deadletter"); the others of that interval are counted
 * and reported in one summary line, by reason, with the next line logged.
 *
 * <pre>{@code
 * DeadLetterQueue dlq = new DeadLetterQueue(10_000);
 * InMemoryMessageBroker broker = new InMemoryMessageBroker().withDeadLetterQueue(dlq);
 * try (Registration r = dlq.listen(letter -> alerts.add(letter))) { ... }
 * dlq.replay(letter -> letter.reason() == DeadLetterReason.MAILBOX_FULL, broker);
 * }</pre>
 *
 * <p>Lock-free: a rejected send on its way here (backpressure) must cost little and never wait
 * for another thread. Entries sit in a {@link ConcurrentLinkedDeque}, each in a {@code Slot}
 * whose {@code taken} flag is claimed by one CAS: whoever claims it (an eviction, or a
 * drain/replay/removal) owns the entry, so no entry is both evicted and drained, or drained
 * twice. {@code size} counts unclaimed entries; an offer that takes it over the capacity claims
 * one eviction by CAS on {@code size}, then evicts the oldest unclaimed slot. While offers are
 * running the deque may briefly hold one extra entry per offering thread; whenever no offer is
 * running it holds at most {@link #capacity()}. Counters are atomics; the log window opens by a
 * CAS on its start, so exactly one offer per interval writes the individual line.
 */
public final class DeadLetterQueue {

    /** The capacity of {@link #DeadLetterQueue()}. */
    public static final int DEFAULT_CAPACITY = 1024;

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.deadletter");

    private final int capacity;
    private final InstantSource clock;
    private final Duration logInterval;
    private final ConcurrentLinkedDeque<Slot> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger(); // entries not yet claimed
    private final AtomicLongArray counts = new AtomicLongArray(DeadLetterReason.values().length);
    private final AtomicLongArray suppressed = new AtomicLongArray(DeadLetterReason.values().length);
    private final CopyOnWriteArrayList<Consumer<? super DeadLetter>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicReference<Instant> windowStart = new AtomicReference<>(); // null: no line logged yet

    /** One entry; {@code taken} is claimed once, by an eviction or a removal. */
    private static final class Slot {
        private static final VarHandle TAKEN;

        static {
            try {
                TAKEN = MethodHandles.lookup().findVarHandle(Slot.class, "taken", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final DeadLetter letter;
        @SuppressWarnings("unused") // accessed through TAKEN
        private volatile boolean taken;

        Slot(DeadLetter letter) {
            this.letter = letter;
        }

        boolean claim() {
            return TAKEN.compareAndSet(this, false, true);
        }

        boolean isTaken() {
            return (boolean) TAKEN.getVolatile(this);
        }
    }

    /** Creates a queue of {@value #DEFAULT_CAPACITY} entries on the system clock. */
    public DeadLetterQueue() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Creates a queue of {@code capacity} entries on the system clock.
     *
     * @param capacity at least 1
     */
    public DeadLetterQueue(int capacity) {
        this(capacity, InstantSource.system(), Duration.ofSeconds(10));
    }

    /**
     * Creates a queue.
     *
     * @param capacity    the most entries kept, at least 1
     * @param clock       stamps entries and times the log interval
     * @param logInterval at most one individual log line per interval; positive
     */
    public DeadLetterQueue(int capacity, InstantSource clock, Duration logInterval) {
        if (capacity < 1) {
            throw new IllegalArgumentException("dead letter queue capacity must be at least 1, was " + capacity);
        }
        Objects.requireNonNull(logInterval, "logInterval");
        if (logInterval.isNegative() || logInterval.isZero()) {
            throw new IllegalArgumentException("logInterval must be positive, was " + logInterval);
        }
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.logInterval = logInterval;
    }

    /**
     * Returns the current time of this queue's clock; brokers stamp entries with it.
     *
     * @return now
     */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Adds a dead letter, evicting the oldest entry if full, then tells the listeners on this
     * thread. Brokers call this; applications may too.
     *
     * @param letter the dead letter
     */
    public void offer(DeadLetter letter) {
        Objects.requireNonNull(letter, "letter");
        counts.incrementAndGet(letter.reason().ordinal());
        entries.addLast(new Slot(letter));
        if (size.incrementAndGet() > capacity) {
            evictOverflow();
        }
        // NOTE: the window opens by CAS: of offers racing at a window's end exactly one wins and
        // logs; the others count as suppressed and appear in the next summary (getAndSet drains
        // each count once, so none is lost or reported twice). Covered by
        // DeadLetterQueueTest.aBurstIsLoggedAsOneLinePlusASummary.
        Instant now = clock.instant();
        Instant start = windowStart.get();
        if ((start == null || Duration.between(start, now).compareTo(logInterval) >= 0)
                && windowStart.compareAndSet(start, now)) {
            String line = describe(letter) + summaryOfSuppressed();
            LOG.log(System.Logger.Level.WARNING, () -> line);
        } else {
            suppressed.incrementAndGet(letter.reason().ordinal());
        }
        for (Consumer<? super DeadLetter> listener : listeners) {
            try {
                listener.accept(letter);
            } catch (Throwable t) {
                // NOTE: errors too (an AssertionError from a test's listener): offer runs inside a
                // mailbox's run and a broker's close, which must not be cut short by a listener.
                // Covered by DeadLetterQueueTest.aListenerThatThrowsAnErrorBreaksNothing.
                if (t instanceof VirtualMachineError vme) {
                    throw vme;
                }
                LOG.log(System.Logger.Level.WARNING, "a dead letter listener threw; it stays registered", t);
            }
        }
    }

    /**
     * Evicts oldest entries while more than {@code capacity} are unclaimed. Each eviction is
     * claimed first by a CAS on {@code size}, so racing offers evict once per entry too many,
     * never more.
     */
    private void evictOverflow() {
        // NOTE: bounded: each pass either lowers size by one or observes it at most capacity;
        // a slot polled but already claimed by a removal is skipped (its remover counts it).
        // Covered by DeadLetterQueueLockFreeTest.racingOffersEvictionsAndDrainsLoseAndDuplicateNothing.
        for (int s = size.get(); s > capacity; s = size.get()) {
            if (!size.compareAndSet(s, s - 1)) {
                continue;
            }
            for (;;) {
                Slot oldest = entries.pollFirst();
                if (oldest == null) {
                    size.incrementAndGet(); // a removal emptied it first and is about to count it
                    return;
                }
                if (oldest.claim()) {
                    evicted.incrementAndGet();
                    break;
                }
            }
        }
    }

    private static String describe(DeadLetter l) {
        String target = switch (l.target()) {
            case DeadLetter.ToActor a -> a.actorId().toString();
            case DeadLetter.ToTopic t -> "topic '" + t.topic() + "'";
        };
        return "dead letter: " + l.message().getClass().getSimpleName() + " to " + target + " (" + l.reason()
                + "): " + l.detail();
    }

    private String summaryOfSuppressed() {
        long total = 0;
        Map<DeadLetterReason, Long> byReason = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            long n = suppressed.getAndSet(r.ordinal(), 0);
            if (n > 0) {
                byReason.put(r, n);
                total += n;
            }
        }
        return total == 0 ? "" : "; " + total + " more dead letters since the previous line were not logged: "
                + byReason;
    }

    /**
     * Returns the number of entries kept.
     *
     * @return at most {@link #capacity()}
     */
    public int size() {
        return Math.clamp(size.get(), 0, capacity);
    }

    /**
     * Returns the most entries kept.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Returns the entries, oldest first, without removing them.
     *
     * @return an unmodifiable copy
     */
    public List<DeadLetter> snapshot() {
        List<DeadLetter> copy = new ArrayList<>();
        for (Slot slot : entries) {
            if (!slot.isTaken()) {
                copy.add(slot.letter);
            }
        }
        return Collections.unmodifiableList(copy);
    }

    /**
     * Removes and returns every entry, oldest first.
     *
     * @return the entries
     */
    public List<DeadLetter> drain() {
        return removeIf(letter -> true);
    }

    /**
     * Returns how many dead letters were offered, by reason (evicted ones included).
     *
     * @return a map with every reason, zeros included
     */
    public Map<DeadLetterReason, Long> countsByReason() {
        Map<DeadLetterReason, Long> m = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            m.put(r, counts.get(r.ordinal()));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Returns how many dead letters were ever offered.
     *
     * @return the total
     */
    public long totalCount() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * Returns how many entries were evicted because the queue was full.
     *
     * @return the number evicted
     */
    public long evictedCount() {
        return evicted.get();
    }

    /**
     * Calls {@code listener} with every dead letter offered from now on, on the thread that
     * offers it (keep it short; exceptions are logged and ignored).
     *
     * @param listener the listener
     * @return closes the listening
     */
    public Registration listen(Consumer<? super DeadLetter> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Removes the selected entries and sends each again to where it was going, with its
     * priority: to the actor, or to the topic (published again, or routed again to one
     * subscriber). A replayed message that fails again comes back as a new dead letter.
     *
     * @param select which entries
     * @param broker the broker to send through
     * @return the number replayed
     */
    public int replay(Predicate<? super DeadLetter> select, MessageBroker broker) {
        Objects.requireNonNull(broker, "broker");
        List<DeadLetter> chosen = removeIf(select);
        for (DeadLetter letter : chosen) {
            Message<Object> message = cast(letter.message());
            switch (letter.target()) {
                case DeadLetter.ToActor a -> broker.sendWithPriority(a.actorId(), message, letter.priority());
                case DeadLetter.ToTopic t when t.publish() -> broker.publish(t.topic(), message);
                case DeadLetter.ToTopic t -> broker.sendWithRouting(new RoutingKey(t.topic(), letter.priority()), message);
            }
        }
        return chosen.size();
    }

    /**
     * Removes the selected entries and sends each to {@code target} instead, with its priority.
     *
     * @param select which entries
     * @param target the new receiver
     * @param broker the broker to send through
     * @return the number replayed
     */
    public int replayTo(Predicate<? super DeadLetter> select, ActorId target, MessageBroker broker) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(broker, "broker");
        List<DeadLetter> chosen = removeIf(select);
        for (DeadLetter letter : chosen) {
            broker.sendWithPriority(target, cast(letter.message()), letter.priority());
        }
        return chosen.size();
    }

    @SuppressWarnings("unchecked")
    private static Message<Object> cast(Message<?> message) {
        return (Message<Object>) message;
    }

    private List<DeadLetter> removeIf(Predicate<? super DeadLetter> select) {
        Objects.requireNonNull(select, "select");
        List<DeadLetter> chosen = new ArrayList<>();
        for (Iterator<Slot> it = entries.iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            if (!slot.isTaken() && select.test(slot.letter) && slot.claim()) {
                chosen.add(slot.letter);
                it.remove(); // the claim, not this unlink, decides ownership
                size.decrementAndGet();
            }
        }
        return chosen;
    }
}
