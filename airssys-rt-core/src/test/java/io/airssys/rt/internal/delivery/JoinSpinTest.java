package io.airssys.rt.internal.delivery;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The caller's spin before parking: platform threads spin, virtual threads never do. */
class JoinSpinTest {

    /** A future that counts how often a waiter looks at it. */
    private static final class Watched extends CompletableFuture<Object> {
        final AtomicInteger looks = new AtomicInteger();

        @Override
        public boolean isDone() {
            looks.incrementAndGet();
            return super.isDone();
        }
    }

    @Test
    void aVirtualThreadNeverSpinsOnItsCarrier() throws Exception {
        Watched f = new Watched();
        Thread t = Thread.ofVirtual().start(() -> JoinSpin.awaitBriefly(f, 2_000));
        t.join();
        assertThat(f.looks.get()).as("times the virtual thread polled the future").isLessThanOrEqualTo(1);
    }

    @Test
    void aPlatformThreadSpinsUntilTheSpinEnds() throws Exception {
        Watched f = new Watched();
        long[] spun = new long[1];
        Thread t = Thread.ofPlatform().start(() -> {
            long t0 = System.nanoTime();
            JoinSpin.awaitBriefly(f, 2_000);
            spun[0] = System.nanoTime() - t0;
        });
        t.join();
        // a lower bound, true however the machine is loaded: the thread kept looking until the
        // spin was over (how many looks fit in 2 ms depends on how long the thread was scheduled)
        assertThat(spun[0]).isGreaterThanOrEqualTo(2_000_000L);
        assertThat(f.looks.get()).isGreaterThanOrEqualTo(2); // the first look, and at least one after the deadline check
    }
}
