package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JOL guards the size of what a message costs (issue 9, item 3): a fire-and-forget message is
 * one {@link OneWayEnvelope} of at most 32 bytes and not a {@code CompletableFuture}; a request
 * is a {@link RequestEnvelope} and the {@link ReplyFuture} its sender holds. The
 * instrumentation's send token, a one-way deadline and the headers share one field
 * ({@code Envelope.attachment}), so a message without them allocates nothing more.
 */
class EnvelopeLayoutTest {

    /** Bytes of a one-way envelope with compressed class pointers and oops (the JVM's defaults below 32 GB). */
    private static final long ONE_WAY_BYTES = 32;
    /** Bytes of a request: its envelope and its future (72 B when the envelope was the future). */
    private static final long REQUEST_BYTES = 96;

    @Test
    void aOneWayEnvelopeIsAtMost32BytesAndNotAFuture() {
        assertThat(ClassLayout.parseClass(OneWayEnvelope.class).instanceSize()).isLessThanOrEqualTo(ONE_WAY_BYTES);
        assertThat(java.util.concurrent.Future.class.isAssignableFrom(OneWayEnvelope.class)).isFalse();
        assertThat(GraphLayout.parseInstance(Envelope.oneWay("m", Priority.NORMAL)).totalSize()
                - GraphLayout.parseInstance("m").totalSize()).isLessThanOrEqualTo(ONE_WAY_BYTES);
    }

    @Test
    void aRequestIsItsEnvelopeAndItsFuture() {
        RequestEnvelope e = Envelope.request("m", Priority.NORMAL, 0);
        long bytes = GraphLayout.parseInstance(e).totalSize() - GraphLayout.parseInstance("m").totalSize();
        assertThat(bytes).isLessThanOrEqualTo(REQUEST_BYTES);
    }

    @Test
    void theTokenTheDeadlineAndTheHeadersShareOneFieldWithoutLosingAny() {
        Envelope e = Envelope.oneWay("m", Priority.NORMAL, Map.of("trace", "t-1"));
        assertThat(e.token()).isNull();
        e.token("token");
        e.deadlineAfter(java.time.Duration.ofHours(1).toNanos());
        assertThat(e.token()).isEqualTo("token");
        assertThat(e.headers()).containsExactly(Map.entry("trace", "t-1"));
        assertThat(e.claimStart(1)).isTrue(); // the deadline is an hour away
        Envelope bare = Envelope.oneWay("m", Priority.NORMAL);
        bare.token("t");
        assertThat(bare.headers()).isEmpty();
        assertThat(bare.token()).isEqualTo("t");
    }
}
