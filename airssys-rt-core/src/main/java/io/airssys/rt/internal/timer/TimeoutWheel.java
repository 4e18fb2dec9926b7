package io.airssys.rt.internal.timer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Timeouts by the million: a hashed timing wheel, O(1) and lock-free to schedule and to cancel,
 * driven by tick tasks on a {@link ScheduledExecutorService} it is given.
 *
 * <h2>Why</h2>
 * A {@code ScheduledThreadPoolExecutor} task per request costs a heap insertion under the
 * executor's one lock on schedule, and again on cancel; without {@code removeOnCancel} a
 * cancelled task (and the envelope it captures) stays queued until its delay is over, so
 * every answered request with a 30 s timeout was retained for 30 s. Here a request costs one
 * node and one CAS to schedule, one CAS to cancel, and the scheduler sees at most a few tick
 * tasks, however many timeouts are pending.
 *
 * <h2>Design</h2>
 * Time is cut into ticks of {@code tickNanos} counted from the wheel's origin (the clock at
 * construction). A timeout with deadline {@code D} is due at tick {@code ceil(D / tick)}: it
 * fires when the wheel processes that tick, which it does only once the clock has reached the
 * tick's start, so it never fires early, and at most about one tick late when the scheduler is
 * on time. Three structures, each with one writer role:
 * <ul>
 *   <li>the <b>inbox</b>: a lock-free stack (CAS push) producers put new timeouts on; the tick
 *       takes it whole with one {@code getAndSet}, so producers never meet the ticking thread
 *       on a lock and never contend on more than one word;</li>
 *   <li>the <b>cancel stack</b>: the same shape; {@link Timeout#cancel()} wins the timeout's
 *       state CAS, drops the task at once, and pushes the node so that the next tick can
 *       unlink it from its bucket (lazy unlink, prompt release);</li>
 *   <li>the <b>buckets</b> ({@link WheelBuckets}): a ring of lists indexed by due tick, owned
 *       by whoever holds {@link #lock} (the tick, or {@link #close()}).</li>
 * </ul>
 * I chose one inbox over striped buckets because the wheel then needs no lock on the producer
 * path at all, and a single CAS word is what every mailbox push already pays; if profiling
 * ever shows the inbox word hot, striping the inbox by thread is a local change.
 *
 * <h2>Ticking only when needed</h2>
 * The {@link #wake} word says when the next tick task will run: {@code IDLE} (none, the
 * wheel is empty), a {@link Wake} for tick {@code t}, or {@code RUNNING} while a tick is
 * processing. A producer whose timeout is due before the scheduled wake (or finds the wheel
 * idle) CASes in an earlier wake and schedules it; the one it replaced is cancelled. After
 * processing, a tick sleeps until the first tick whose bucket holds anything, found with a
 * bitmap (at most one revolution ahead, so no delay handed to the scheduler ever exceeds a
 * revolution), or goes idle when the wheel is empty: an idle wheel schedules nothing, and a
 * lone 30 s timeout costs a wake-up per revolution, not one per tick. Cancels ask for a sweep
 * tick once every {@value #SWEEP_BATCH} of them, which bounds the cancelled nodes awaiting
 * unlink; a quiet wheel unlinks them at its next wake.
 *
 * <h2>Time</h2>
 * The clock must be the scheduler's: {@link System#nanoTime()} for a JDK scheduler, the manual
 * clock for a test scheduler ({@link #clockOf} reads any scheduler's clock through a
 * {@link ScheduledFuture#getDelay}). A tick task scheduled for tick {@code t} processes at
 * least through {@code t} (the scheduler ran it, so by its clock {@code t} has come), so a
 * manual scheduler's {@code advance(d)} fires every timeout due by then.
 *
 * <h2>Tasks</h2>
 * Due tasks run on the tick's thread, after the wheel's bookkeeping and after the next tick is
 * arranged, outside the lock (so a task may cancel, schedule or close). A task that throws is
 * logged and the others still run. Tasks due at the same tick run in no particular order.
 *
 * <h2>Close</h2>
 * {@link #close()} stops ticking, refuses new timeouts ({@link RejectedExecutionException}),
 * and returns the tasks of the timeouts still pending, unrun, for the caller to decide (run
 * them, or fail what they guard). Tasks a tick had already taken as due run regardless, and may
 * still be running when {@code close} returns; close never waits for a task.
 */
public final class TimeoutWheel {

    /** The default tick: one millisecond. */
    public static final long DEFAULT_TICK_NANOS = 1_000_000L;
    /** The default number of buckets: a revolution of about 4 s at the default tick. */
    public static final int DEFAULT_BUCKETS = 4096;
    /** Every this many cancels (without an intervening tick), a cancel asks for a sweep tick. */
    static final int SWEEP_BATCH = 256;

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.timer");
    private static final Runnable NOTHING = () -> { };

    /** Replaces the inbox and the cancel stack on close. */
    private static final Timeout CLOSED_STACK = new Timeout(null, null, 0);

    private static final VarHandle INBOX;
    private static final VarHandle CANCELS;
    private static final VarHandle WAKE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INBOX = l.findVarHandle(TimeoutWheel.class, "inbox", Timeout.class);
            CANCELS = l.findVarHandle(TimeoutWheel.class, "cancels", Timeout.class);
            WAKE = l.findVarHandle(TimeoutWheel.class, "wake", Wake.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScheduledExecutorService ticker;
    private final LongSupplier clock;
    private final long origin;
    private final long tickNanos;
    private final int buckets;

    private final Wake idle = new Wake(Long.MAX_VALUE);
    private final Wake running = new Wake(Long.MIN_VALUE);
    private final Wake closedWake = new Wake(Long.MIN_VALUE);

    @SuppressWarnings("unused") // through INBOX
    private volatile Timeout inbox;
    @SuppressWarnings("unused") // through CANCELS
    private volatile Timeout cancels;
    private volatile Wake wake = idle;
    /** The last tick processed; written under {@link #lock}, read by cancels (staleness is harmless). */
    private volatile long lastTick = -1;

    /** Guards {@link #ring} and {@link #closed}: held by a tick's bookkeeping and by close. */
    private final ReentrantLock lock = new ReentrantLock();
    private final WheelBuckets ring;
    private boolean closed;

    /**
     * Creates a wheel with the default tick and size.
     *
     * @param ticker runs the tick tasks; a single thread is enough
     * @param clock  the ticker's clock in nanoseconds ({@code System::nanoTime} for a JDK
     *               scheduler, {@link #clockOf} for any other)
     */
    public TimeoutWheel(ScheduledExecutorService ticker, LongSupplier clock) {
        this(ticker, clock, DEFAULT_TICK_NANOS, DEFAULT_BUCKETS);
    }

    /**
     * Creates a wheel.
     *
     * @param ticker    runs the tick tasks; a single thread is enough, several are safe
     * @param clock     the ticker's clock in nanoseconds, monotonic
     * @param tickNanos the resolution: a timeout fires at most about this much after its
     *                  deadline when the ticker is on time; positive
     * @param buckets   ticks per revolution, a power of two from 64 to 2^24
     * @throws IllegalArgumentException if {@code tickNanos} or {@code buckets} is out of range
     */
    public TimeoutWheel(ScheduledExecutorService ticker, LongSupplier clock, long tickNanos, int buckets) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos must be positive, was " + tickNanos);
        }
        if (buckets < 64 || buckets > 1 << 24 || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("buckets must be a power of two from 64 to 2^24, was " + buckets);
        }
        this.tickNanos = tickNanos;
        this.buckets = buckets;
        this.ring = new WheelBuckets(buckets);
        this.origin = clock.getAsLong();
    }

    /**
     * Returns a clock that reads {@code scheduler}'s own time: the negated
     * {@link ScheduledFuture#getDelay delay} of an anchor task scheduled now (and cancelled at
     * once, so it never runs). Works for any scheduler whose futures report their delay on the
     * clock the scheduler runs them by, as the JDK's and the testkit's {@code ManualScheduler} do.
     *
     * @param scheduler the scheduler
     * @return its clock, in nanoseconds from an arbitrary origin
     * @throws RejectedExecutionException if the scheduler is shut down
     */
    public static LongSupplier clockOf(ScheduledExecutorService scheduler) {
        ScheduledFuture<?> anchor = scheduler.schedule(NOTHING, 0, TimeUnit.NANOSECONDS);
        anchor.cancel(false);
        return () -> -anchor.getDelay(TimeUnit.NANOSECONDS);
    }

    /**
     * Schedules {@code task} to run once, {@code delayNanos} from now, on the ticker's thread.
     * Lock-free; one allocation.
     *
     * @param task       the task
     * @param delayNanos the delay; zero or less runs it at the next tick; huge delays are
     *                   capped (they simply never come)
     * @return the handle to {@linkplain Timeout#cancel() cancel} it with
     * @throws RejectedExecutionException if the wheel is closed, or the ticker is shut down or
     *                                    refused the tick task; the task will not run
     */
    public Timeout schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        if (ticker.isShutdown()) {
            // Said here, not only when a new wake is needed: with a wake already queued, a timeout
            // accepted now would otherwise be refused silently later.
            throw new RejectedExecutionException("the scheduler that runs the timeout wheel is shut down");
        }
        long now = now();
        long delay = Math.max(0, delayNanos);
        long deadline = now > Long.MAX_VALUE - delay ? Long.MAX_VALUE : now + delay;
        Timeout t = new Timeout(this, task, Math.ceilDiv(deadline, tickNanos));
        Timeout head;
        do {
            head = (Timeout) INBOX.getVolatile(this);
            if (head == CLOSED_STACK) {
                throw new RejectedExecutionException("the timeout wheel is closed");
            }
            t.nextInbox = head;
        } while (!INBOX.compareAndSet(this, head, t));
        // NOTE: the push (a volatile CAS) comes before requestTick's volatile read of wake, and a
        // finishing tick publishes IDLE before its volatile re-read of the inbox: in that total
        // order either this thread sees the tick's IDLE (and schedules a wake), or the tick sees
        // this push (and schedules one). Without it a timeout pushed while the last tick was
        // finishing would never fire. Covered by TimeoutWheelTest.concurrentSchedulesAndCancels*.
        long nowTick = now / tickNanos;
        long horizon = nowTick > Long.MAX_VALUE - buckets ? Long.MAX_VALUE : nowTick + buckets;
        try {
            requestTick(Math.min(t.deadlineTick, horizon));
        } catch (RejectedExecutionException refused) {
            if (t.leavePending(Timeout.CANCELLED)) {
                t.task = null;
                throw refused;
            }
            // A tick of an earlier wake already took it (or close did): it is decided.
        }
        return t;
    }

    /**
     * Stops the wheel: no tick runs after this returns (a tick task may still be queued on
     * the ticker; it does nothing), {@link #schedule} is refused, and the tasks of the
     * timeouts still pending are returned unrun: each is {@linkplain Timeout#isPending() no
     * longer pending} and will never run here. Tasks a tick already took as due are not in the
     * list; they run (or are running) on the tick's thread. Idempotent: later calls return an
     * empty list. Waits for a tick's bookkeeping (never for a task).
     *
     * @return the pending tasks, in no particular order
     */
    public List<Runnable> close() {
        lock.lock();
        try {
            if (closed) {
                return List.of();
            }
            closed = true;
            Wake w = (Wake) WAKE.getAndSet(this, closedWake);
            if (w != idle && w != running) {
                w.supersede(); // so an injected scheduler is not left holding a live tick task
            }
            List<Runnable> left = new ArrayList<>();
            Timeout n = (Timeout) INBOX.getAndSet(this, CLOSED_STACK);
            while (n != null) {
                Timeout after = n.nextInbox;
                n.nextInbox = null;
                takeForClose(n, left);
                n = after;
            }
            ring.clear(t -> takeForClose(t, left));
            Timeout c = (Timeout) CANCELS.getAndSet(this, CLOSED_STACK);
            while (c != null) {
                Timeout after = c.nextCancelled;
                c.nextCancelled = null;
                c = after;
            }
            return left;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return INBOX.getVolatile(this) == CLOSED_STACK;
    }

    /**
     * Returns the tick resolution.
     *
     * @return nanoseconds per tick
     */
    public long tickNanos() {
        return tickNanos;
    }

    /** For tests: timeouts linked into the buckets (pending, or cancelled and not yet unlinked). */
    int linked() {
        lock.lock();
        try {
            return ring.size();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ cancel

    /** Called by {@link Timeout#cancel()} after it won: queue the node for unlinking. */
    void cancelled(Timeout t) {
        Timeout head;
        do {
            head = (Timeout) CANCELS.getVolatile(this);
            if (head == CLOSED_STACK) {
                return; // close dropped every node already
            }
            t.nextCancelled = head;
            t.cancelDepth = head == null ? 1 : head.cancelDepth + 1;
        } while (!CANCELS.compareAndSet(this, head, t));
        if (t.cancelDepth % SWEEP_BATCH == 0) {
            // Cancelled nodes (no task, a few dozen bytes each) are unlinked at the next tick;
            // under a stream of answered requests, make that tick come soon.
            long sweep = lastTick + 1;
            try {
                requestTick(sweep);
            } catch (RejectedExecutionException refused) {
                LOG.log(System.Logger.Level.WARNING, "the scheduler refused the timeout wheel's tick;"
                        + " was it shut down?", refused);
            }
        }
    }

    // ------------------------------------------------------------------ ticking

    /** Makes sure a tick task runs at or before the start of tick {@code t}. */
    private void requestTick(long t) {
        for (;;) {
            Wake cur = wake;
            if (cur.tick <= t) {
                return; // a wake at or before t is scheduled, or a tick is running (it re-checks), or closed
            }
            Wake w = new Wake(t);
            if (WAKE.compareAndSet(this, cur, w)) {
                if (cur != idle) {
                    cur.supersede(); // its task, if it runs anyway, finds itself replaced and does nothing
                }
                long delay = timeOf(t) - now();
                ScheduledFuture<?> f;
                try {
                    f = ticker.schedule(w, Math.max(0, delay), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException refused) {
                    WAKE.compareAndSet(this, w, idle); // let a later call try again
                    throw refused;
                }
                w.future(f);
                return;
            }
        }
    }

    /** Runs a tick scheduled as {@code w}, unless a wake was put in its place since. */
    private void tick(Wake w) {
        if (!WAKE.compareAndSet(this, w, running)) {
            return; // superseded, or closed
        }
        Timeout due = null;
        long next = Long.MAX_VALUE;
        long target = w.tick;
        boolean done = false;
        try {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                target = Math.max(Math.max(now() / tickNanos, w.tick), lastTick);
                due = drainInbox(target);
                drainCancels();
                due = ring.expire(lastTick + 1, target, due);
                lastTick = target;
                next = ring.nextOccupiedTick(target);
                done = true;
            } finally {
                lock.unlock();
            }
        } finally {
            // Leave RUNNING whatever happened, so the wheel can never wedge; if the bookkeeping
            // failed half way, tick again at once.
            if (WAKE.compareAndSet(this, running, idle)) {
                arrangeNext(done ? next : target, target);
            }
        }
        runAll(due);
    }

    private void arrangeNext(long next, long target) {
        try {
            if (next != Long.MAX_VALUE) {
                requestTick(next);
            }
            // NOTE: wake went from RUNNING to IDLE (volatile) before these volatile reads.
            // Producers and cancellers that saw RUNNING scheduled nothing, relying on this check.
            if (INBOX.getVolatile(this) != null || CANCELS.getVolatile(this) != null) {
                requestTick(target + 1);
            }
        } catch (RejectedExecutionException refused) {
            LOG.log(System.Logger.Level.WARNING, "the scheduler refused the timeout wheel's tick; pending"
                    + " timeouts will not fire (was it shut down?)", refused);
        }
    }

    /** Links the inbox's new timeouts into the ring; returns those already due, chained. */
    private Timeout drainInbox(long target) {
        Timeout due = null;
        Timeout n = (Timeout) INBOX.getAndSet(this, null);
        // NOTE: getAndSet is a volatile read of the CAS that pushed each node, so the task and
        // deadline written before that push are visible here.
        while (n != null) {
            Timeout after = n.nextInbox;
            n.nextInbox = null; // a retained cancelled handle must not retain the stack below it
            if (n.isPending()) {
                if (n.deadlineTick <= target) {
                    n.next = due;
                    due = n;
                } else {
                    ring.add(n);
                }
            }
            n = after;
        }
        return due;
    }

    private void drainCancels() {
        Timeout c = (Timeout) CANCELS.getAndSet(this, null);
        while (c != null) {
            Timeout after = c.nextCancelled;
            c.nextCancelled = null;
            ring.remove(c); // no-op if it was still in the inbox (dropped above) or already unlinked
            c = after;
        }
    }

    /** Claims each chained timeout (cancel may still win) and runs its task; never throws. */
    private static void runAll(Timeout due) {
        while (due != null) {
            Timeout after = due.next;
            due.next = null;
            if (due.leavePending(Timeout.EXPIRED)) {
                Runnable task = due.task;
                due.task = null;
                try {
                    task.run();
                } catch (Throwable failure) {
                    LOG.log(System.Logger.Level.ERROR, "a timeout task threw; the other timeouts still run", failure);
                }
            }
            due = after;
        }
    }

    private static void takeForClose(Timeout t, List<Runnable> left) {
        if (t.leavePending(Timeout.CLOSED)) {
            left.add(t.task);
            t.task = null;
        }
    }

    /** Nanoseconds since the origin. */
    private long now() {
        return clock.getAsLong() - origin;
    }

    /** Start of tick {@code t}, in nanoseconds since the origin, saturated. */
    private long timeOf(long t) {
        return t > Long.MAX_VALUE / tickNanos ? Long.MAX_VALUE : t * tickNanos;
    }

    /**
     * A wake-up for one tick: the task handed to the ticker. Identity matters: a tick task runs
     * only if its own wake is still the current one, so a superseded task that runs anyway
     * does nothing.
     */
    private final class Wake implements Runnable {
        final long tick;
        private volatile ScheduledFuture<?> future;
        private volatile boolean superseded;

        Wake(long tick) {
            this.tick = tick;
        }

        void future(ScheduledFuture<?> f) {
            future = f;
            // NOTE: Dekker pair with supersede(): each writes its field, then reads the other's,
            // so a wake superseded while its task was being scheduled still gets cancelled.
            if (superseded) {
                f.cancel(false);
            }
        }

        void supersede() {
            superseded = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public void run() {
            tick(this);
        }

        @Override
        public String toString() {
            return "TimeoutWheel tick " + tick;
        }
    }
}
