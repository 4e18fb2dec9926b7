package io.airssys.rt.broker;

import io.airssys.rt.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendOptionsTest {

    @Test
    void theDefaultsLeaveEverythingToTheBroker() {
        assertThat(SendOptions.DEFAULT.timeout()).isNull();
        assertThat(SendOptions.DEFAULT.hasNoTimeout()).isFalse();
        assertThat(SendOptions.DEFAULT.priority()).isNull();
        assertThat(SendOptions.DEFAULT.headers()).isEmpty();
    }

    @Test
    void optionsCombineAndEachWithReturnsANewValue() {
        SendOptions o = SendOptions.timeout(Duration.ofMillis(200)).withPriority(Priority.HIGH)
                .withHeader("traceparent", "00-abc-def-01").withHeader("tenant", "eu");
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(o.priority()).isEqualTo(Priority.HIGH);
        assertThat(o.headers()).containsExactly(Map.entry("traceparent", "00-abc-def-01"), Map.entry("tenant", "eu"));
        assertThat(o.withoutTimeout().hasNoTimeout()).isTrue();
        assertThat(o.withoutTimeout().timeout()).isNull();
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(200)); // unchanged
        assertThat(o.withHeader("tenant", "us").headers()).containsEntry("tenant", "us").hasSize(2);
        assertThat(o).isEqualTo(SendOptions.DEFAULT.withPriority(Priority.HIGH).withTimeout(Duration.ofMillis(200))
                .withHeaders(Map.of("traceparent", "00-abc-def-01", "tenant", "eu")));
        assertThatThrownBy(() -> o.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void badOptionsAreRejectedNamingWhatWasWrong() {
        assertThatThrownBy(() -> SendOptions.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> SendOptions.timeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
        assertThatThrownBy(() -> SendOptions.priority(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("priority");
        assertThatThrownBy(() -> SendOptions.DEFAULT.withHeader("", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> SendOptions.DEFAULT.withHeader("a b", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> SendOptions.DEFAULT.withHeader("a:b", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a:b'");
        assertThatThrownBy(() -> SendOptions.DEFAULT.withHeader("x", "two\nlines"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
        assertThatThrownBy(() -> SendOptions.DEFAULT.withHeader("x", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("'x'");
        SendOptions full = SendOptions.DEFAULT;
        for (int i = 0; i < SendOptions.MAX_HEADERS; i++) {
            full = full.withHeader("h" + i, "v");
        }
        SendOptions max = full;
        assertThatThrownBy(() -> max.withHeader("one-more", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(SendOptions.MAX_HEADERS));
    }
}
