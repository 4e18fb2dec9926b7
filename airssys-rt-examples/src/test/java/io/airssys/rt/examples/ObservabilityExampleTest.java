package io.airssys.rt.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@link ObservabilityExample} and checks what it printed (kept apart from ExamplesTest, same style). */
class ObservabilityExampleTest {

    @Test
    void metersBinderAndTraceAcrossANestedAsk() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ObservabilityExample.run(out);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("abc costs 300")
                .contains("Price handled 8 times successfully, 2 failed")
                .contains("Checkout replied: 1")
                .contains("broker: sent 11, delivered 9, failed 2")
                .contains("trace: process Price <- send Price <- process Checkout <- send Checkout <- POST /checkout");
    }
}
