package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JOL guards the size of the per-message envelope: the instrumentation's send token shares the
 * headers' field ({@code Envelope.attachment}), so a broker nobody instruments allocates no more
 * per message than before the hooks existed (a separate field made it 80 B).
 */
class EnvelopeLayoutTest {

    /** Bytes of one envelope with compressed class pointers and oops (the JVM's defaults below 32 GB). */
    private static final long ENVELOPE_BYTES = 72;

    @Test
    void anEnvelopeStaysAt72Bytes() {
        assertThat(ClassLayout.parseClass(Envelope.class).instanceSize()).isLessThanOrEqualTo(ENVELOPE_BYTES);
    }

    @Test
    void theTokenAndTheHeadersShareOneFieldWithoutLosingEither() {
        Envelope e = Envelope.oneWay("m", Priority.NORMAL, Map.of("trace", "t-1"));
        assertThat(e.token()).isNull();
        e.token("token");
        assertThat(e.token()).isEqualTo("token");
        assertThat(e.headers()).containsExactly(Map.entry("trace", "t-1"));
        Envelope bare = Envelope.oneWay("m", Priority.NORMAL);
        bare.token("t");
        assertThat(bare.headers()).isEmpty();
        assertThat(bare.token()).isEqualTo("t");
    }
}
