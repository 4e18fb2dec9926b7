package io.airssys.rt.internal.delivery;

import io.airssys.rt.deadletter.DeadLetterQueue;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code avgRoutingLatencyNs} is a mean over the most recent samples: one slow sample (the
 * first send starting the timer thread) is forgotten once a window of later samples has come.
 * No assertion on absolute timings: the slow sample is synthetic and ten seconds long, and the
 * bounds only say it has left the mean.
 */
class RoutingLatencyWindowTest {

    private static final long SLOW = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aSlowFirstSampleIsForgottenAfterAWindowOfLaterSamples() {
        Outcomes outcomes = new Outcomes(new DeadLetterQueue());
        outcomes.sampleEnd(System.nanoTime() - SLOW);
        assertThat(outcomes.snapshot(0).avgRoutingLatencyNs()).isGreaterThanOrEqualTo(SLOW);
        for (int i = 0; i < 64; i++) {
            outcomes.sampleEnd(System.nanoTime());
        }
        // A lifetime mean would still be at least SLOW / 65 (over 150 ms).
        assertThat(outcomes.snapshot(0).avgRoutingLatencyNs()).isLessThan(SLOW / 65);
    }

    @Test
    void whileTheSlowSampleIsInTheWindowItStillCounts() {
        Outcomes outcomes = new Outcomes(new DeadLetterQueue());
        assertThat(outcomes.snapshot(0).avgRoutingLatencyNs()).isZero();
        outcomes.sampleEnd(System.nanoTime() - SLOW);
        for (int i = 0; i < 63; i++) {
            outcomes.sampleEnd(System.nanoTime());
        }
        assertThat(outcomes.snapshot(0).avgRoutingLatencyNs()).isGreaterThanOrEqualTo(SLOW / 64);
    }
}
