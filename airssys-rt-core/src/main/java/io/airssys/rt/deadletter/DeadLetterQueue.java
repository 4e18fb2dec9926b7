package io.airssys.rt.deadletter;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Registration;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.RoutingKey;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
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
 */
public final class DeadLetterQueue {

    /** The capacity of {@link #DeadLetterQueue()}. */
    public static final int DEFAULT_CAPACITY = 1024;

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.deadletter");

    private final int capacity;
    private final InstantSource clock;
    private final Duration logInterval;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<DeadLetter> entries = new ArrayDeque<>();
    private final long[] counts = new long[DeadLetterReason.values().length]; // under lock
    private final long[] suppressed = new long[DeadLetterReason.values().length]; // under lock
    private final CopyOnWriteArrayList<Consumer<? super DeadLetter>> listeners = new CopyOnWriteArrayList<>();
    private long evicted; // under lock
    private Instant windowStart; // under lock, from the clock
    private boolean windowOpen; // under lock

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
        String logLine = null;
        lock.lock();
        try {
            if (entries.size() == capacity) {
                entries.pollFirst();
                evicted++;
            }
            entries.addLast(letter);
            counts[letter.reason().ordinal()]++;
            Instant now = clock.instant();
            if (!windowOpen || Duration.between(windowStart, now).compareTo(logInterval) >= 0) {
                logLine = describe(letter) + summaryOfSuppressed();
                windowOpen = true;
                windowStart = now;
            } else {
                suppressed[letter.reason().ordinal()]++;
            }
        } finally {
            lock.unlock();
        }
        if (logLine != null) {
            String line = logLine;
            LOG.log(System.Logger.Level.WARNING, () -> line);
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
            long n = suppressed[r.ordinal()];
            if (n > 0) {
                byReason.put(r, n);
                total += n;
                suppressed[r.ordinal()] = 0;
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
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            return List.copyOf(entries);
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            for (DeadLetterReason r : DeadLetterReason.values()) {
                m.put(r, counts[r.ordinal()]);
            }
        } finally {
            lock.unlock();
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Returns how many dead letters were ever offered.
     *
     * @return the total
     */
    public long totalCount() {
        lock.lock();
        try {
            long total = 0;
            for (long c : counts) {
                total += c;
            }
            return total;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many entries were evicted because the queue was full.
     *
     * @return the number evicted
     */
    public long evictedCount() {
        lock.lock();
        try {
            return evicted;
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            for (Iterator<DeadLetter> it = entries.iterator(); it.hasNext(); ) {
                DeadLetter letter = it.next();
                if (select.test(letter)) {
                    chosen.add(letter);
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        return chosen;
    }
}
