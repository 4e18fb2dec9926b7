package io.airssys.rt.instrument;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Instrumentation#compose}: bad arguments are named, one part is itself, tokens stay per part. */
class InstrumentationComposeTest {

    @Test
    void aNullPartIsNamedByItsPositionAndNoPartIsRefused() {
        Instrumentation one = new Instrumentation() {
        };
        assertThatThrownBy(() -> Instrumentation.compose(one, null))
                .isInstanceOf(NullPointerException.class).hasMessage("instrumentation 1 of compose(...) is null");
        assertThatThrownBy(Instrumentation::compose).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThat(Instrumentation.compose(one)).isSameAs(one);
    }

    @Test
    void eachPartGetsBackOnlyItsOwnToken() {
        record Tagged(String tag) implements Instrumentation {
            @Override
            public Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
                return tag;
            }

            @Override
            public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
                assertThat(sendToken).isEqualTo(tag);
                return tag + "-process";
            }
        }
        Instrumentation both = Instrumentation.compose(new Tagged("a"), new Tagged("b"));
        Object tokens = both.onSend(ActorId.of(1), "m", Priority.NORMAL, Map.of());
        assertThat((Object[]) tokens).containsExactly("a", "b");
        assertThat((Object[]) both.onProcessStart(ActorId.of(1), "m", tokens, 0)).containsExactly("a-process", "b-process");
    }
}
