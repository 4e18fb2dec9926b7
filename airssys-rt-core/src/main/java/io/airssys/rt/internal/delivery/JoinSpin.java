package io.airssys.rt.internal.delivery;

import java.util.concurrent.Future;

/**
 * The caller's half of the low-latency handoff: before a thread parks in {@code join()} or
 * {@code get()}, it spins briefly, because waking a parked thread costs tens of microseconds
 * while a reply often arrives within one. Virtual threads never spin: parking one is cheap
 * and its carrier serves other virtual threads meanwhile.
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
        if (micros <= 0 || f.isDone() || Thread.currentThread().isVirtual()) {
            return; // a spinning virtual thread would burn its carrier, which other virtual threads need
        }
        long deadline = System.nanoTime() + micros * 1_000L;
        while (!f.isDone() && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }
}
