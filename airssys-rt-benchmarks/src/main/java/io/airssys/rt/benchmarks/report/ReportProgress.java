package io.airssys.rt.benchmarks.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The overall progress of the benchmark report's long run: before each step it prints
 * {@code step k of n: what, ~time left}.
 *
 * <p>The report is planned up front as a list of steps (measuring memory, then one step per JMH
 * benchmark run: a method with one combination of parameters, all its forks), each with a
 * planned duration taken from the profile (forks x (warmup + measurement) plus a guess at each
 * fork's start-up). Planned durations are always off: JVM start, Pekko's start, a NATS cluster
 * per distributed benchmark. So the time left is the planned time still ahead, scaled by the
 * pace so far (time actually spent / time planned for the steps done): after the first few
 * steps the estimate follows the machine. Before any step is done it is the plan itself.
 *
 * <p>A run with more steps than planned (the plan counted a benchmark's parameters wrongly)
 * still says where it is: n grows to k and the time left is unknown rather than negative.
 * Single-threaded: the report's main thread calls it, JMH's output callbacks included.
 */
final class ReportProgress {

    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final List<Long> plannedNanos = new ArrayList<>();
    private long startNanos = -1;
    private int started;

    /**
     * @param out where the progress lines go
     * @param nanoTime the clock ({@code System::nanoTime}; a fake one in tests)
     */
    ReportProgress(PrintStream out, LongSupplier nanoTime) {
        this.out = out;
        this.nanoTime = nanoTime;
    }

    /** Adds {@code count} steps of {@code each} planned time to the end of the plan. */
    void plan(int count, Duration each) {
        if (count < 0 || each.isNegative()) {
            throw new IllegalArgumentException("a plan needs count >= 0 and a duration >= 0, got "
                    + count + " x " + each);
        }
        for (int i = 0; i < count; i++) {
            plannedNanos.add(each.toNanos());
        }
    }

    /** Steps planned so far. */
    int plannedSteps() {
        return plannedNanos.size();
    }

    /** Starts the next step and prints its line; returns the line. */
    String step(String what) {
        long now = nanoTime.getAsLong();
        if (startNanos < 0) {
            startNanos = now;
        }
        started++;
        int n = Math.max(started, plannedNanos.size());
        Duration left = timeLeft(now);
        String line = String.format(Locale.ROOT, "[report] step %d of %d: %s, %s", started, n, what,
                left == null ? "time left unknown" : "~" + format(left) + " left");
        out.println(line);
        out.flush();
        return line;
    }

    /**
     * The time left before the current step starts: the planned time of the steps from this one
     * on, times the pace of the steps done. Null once the run has gone past its plan.
     */
    private Duration timeLeft(long now) {
        int done = started - 1;
        if (started > plannedNanos.size()) {
            return null;
        }
        long plannedDone = 0;
        for (int i = 0; i < done; i++) {
            plannedDone += plannedNanos.get(i);
        }
        long plannedAhead = 0;
        for (int i = done; i < plannedNanos.size(); i++) {
            plannedAhead += plannedNanos.get(i);
        }
        long spent = now - startNanos;
        double pace = plannedDone > 0 && spent > 0 ? (double) spent / plannedDone : 1.0;
        return Duration.ofNanos((long) (plannedAhead * pace));
    }

    /** How long the whole run took, for the last line. */
    Duration elapsed() {
        return startNanos < 0 ? Duration.ZERO : Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    }

    /** {@code 45 s}, {@code 3 min 05 s}, {@code 1 h 02 min}: rounded to the second. */
    static String format(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
