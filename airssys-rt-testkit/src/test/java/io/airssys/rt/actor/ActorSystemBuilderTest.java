package io.airssys.rt.actor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder options that cannot go together are refused, whatever the order (issue 8, item 17). */
class ActorSystemBuilderTest {

    @Test
    void threadsCannotBeCombinedWithVirtualThreads() {
        assertThatThrownBy(() -> ActorSystem.builder().threads(2).virtualThreads())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("threads(2)").hasMessageContaining("virtualThreads()");
        assertThatThrownBy(() -> ActorSystem.builder().virtualThreads().threads(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("threads(2)").hasMessageContaining("virtualThreads()");
    }

    @Test
    void threadsCannotBeCombinedWithAnInjectedExecutor() {
        ExecutorService e = Executors.newSingleThreadExecutor();
        try {
            assertThatThrownBy(() -> ActorSystem.builder().threads(3).executor(e))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("threads(3)").hasMessageContaining("executor(");
            assertThatThrownBy(() -> ActorSystem.builder().executor(e).threads(3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("threads(3)").hasMessageContaining("executor(");
        } finally {
            e.shutdownNow();
        }
    }

    @Test
    void threadsStillConfiguresTheSpinningDispatcher() {
        try (ActorSystem system = ActorSystem.builder().threads(1)
                .spinningDispatcher(java.time.Duration.ZERO).build()) {
            system.broker(); // built
        }
        try (ActorSystem system = ActorSystem.builder()
                .spinningDispatcher(java.time.Duration.ZERO).threads(1).build()) {
            system.broker();
        }
    }
}
