package io.airssys.rt.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@link FlightRecorderExample} and checks what it printed. */
class FlightRecorderExampleTest {

    @Test
    void aSlowHandlerAFailureAndTheCountersAreRecordedAndTheFastMessagesAreNot() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            FlightRecorderExample.run(out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("resized to 400")
                .contains("recorded:")
                .contains("SlowMessage Resize took at least 20 ms")
                .contains("DeliveryFailure actor_not_found")
                .containsPattern("BrokerStatistics images: delivered 10[1-9], failed 1")
                .doesNotContain("SlowMessage Check");
    }
}
