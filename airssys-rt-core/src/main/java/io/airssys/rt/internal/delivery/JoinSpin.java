package io.airssys.rt.internal.delivery;

import java.util.concurrent.Future;

/**
 * The caller's half of the low-latency handoff: before a thread parks in {@code join()} or
 * {@code get()}, it spins briefly, because waking a parked thread costs tens of microseconds
 * while a reply often arrives within one.
 */
final class JoinSpin {

    private JoinSpin() {
    }

    /**
     * Spins until {@code f} is done or {@code micros} have passed.
     *
     * @param f      the future
     * @param micros how long at most; 0 returns at once
     */
    static void awaitBriefly(Future<?> f, int micros) {
        if (micros <= 0 || f.isDone()) {
            return;
        }
        long deadline = System.nanoTime() + micros * 1_000L;
        while (!f.isDone() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}
