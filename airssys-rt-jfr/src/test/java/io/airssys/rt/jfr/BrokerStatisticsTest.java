package io.airssys.rt.jfr;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Registration;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.airssys.rt.jfr.FlightRecorderInstrumentation.BROKER_STATISTICS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The periodic {@code io.airssys.rt.BrokerStatistics} event carries the broker's own numbers. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BrokerStatisticsTest {

    record Echo(int n) implements Message<Integer> {
    }

    private final ActorSystem system = ActorSystem.builder().threads(2).build();
    private final BrokerNode broker = system.broker();

    @AfterEach
    void close() {
        system.close();
    }

    @Test
    void theEventCarriesTheBrokersCountersAndDeadLetters() {
        ActorId echo = system.spawn(Behaviors.receive().on(Echo.class, Echo::n).build()).id();
        for (int i = 0; i < 25; i++) {
            assertThat(broker.send(echo, new Echo(i)).join()).isEqualTo(i);
        }
        CompletableFuture<Integer> lost = broker.send(ActorId.newId(), new Echo(-1));
        assertThat(lost).failsWithin(Recorder.PATIENCE);
        BrokerMetrics m = broker.metrics(); // nothing in flight: these numbers no longer change
        assertThat(m.totalSent()).isEqualTo(26);
        assertThat(broker.deadLetters().totalCount()).isEqualTo(1);

        Registration stats = BrokerStatistics.record(broker, "stats-test");
        try (Recorder recorder = new Recorder()) {
            recorder.enable(BROKER_STATISTICS).withPeriod(Duration.ofMillis(100));
            recorder.start();
            RecordedEvent e = recorder.awaitEvent(BROKER_STATISTICS, ev -> "stats-test".equals(ev.getString("broker")));

            assertThat(e.getInt("registeredActors")).isEqualTo(m.registeredActors()).isEqualTo(1);
            assertThat(e.getLong("sent")).isEqualTo(m.totalSent());
            assertThat(e.getLong("delivered")).isEqualTo(m.totalDelivered()).isEqualTo(25);
            assertThat(e.getLong("failed")).isEqualTo(m.totalFailed()).isEqualTo(1);
            assertThat(e.getLong("inFlight")).isZero();
            assertThat(e.getLong("deadLetters")).isEqualTo(1);
            assertThat(e.getDuration("avgRoutingLatency")).isEqualTo(Duration.ofNanos(m.avgRoutingLatencyNs()));
            assertThat(e.getStackTrace()).isNull();
        } finally {
            stats.close();
        }
    }

    @Test
    void closingTheRegistrationRemovesTheHook() {
        try (ActorSystem other = ActorSystem.builder().threads(1).build();
             Recorder recorder = new Recorder()) {
            Registration kept = BrokerStatistics.record(other.broker(), "kept");
            Registration removed = BrokerStatistics.record(broker, "removed");
            recorder.enable(BROKER_STATISTICS).withPeriod(Duration.ofMillis(100));
            recorder.start();
            recorder.awaitEvent(BROKER_STATISTICS, e -> "removed".equals(e.getString("broker")));

            removed.close();
            removed.close(); // a second close does nothing
            long removedBefore = count(recorder, "removed");
            long keptBefore = count(recorder, "kept");
            // the kept hook runs in the same periodic task as the removed one did: three more
            // rounds of it with at most one straggler of the removed one (a round already under way)
            await().atMost(Recorder.PATIENCE).until(() -> count(recorder, "kept") >= keptBefore + 3);
            assertThat(count(recorder, "removed")).isLessThanOrEqualTo(removedBefore + 1);
            kept.close();
        }
    }

    @Test
    void aClosedBrokerWritesNothingMore() {
        try (ActorSystem other = ActorSystem.builder().threads(1).build();
             Recorder recorder = new Recorder()) {
            Registration live = BrokerStatistics.record(other.broker(), "live");
            Registration closed = BrokerStatistics.record(broker, "closed");
            system.close();
            recorder.enable(BROKER_STATISTICS).withPeriod(Duration.ofMillis(100));
            recorder.start();
            await().atMost(Recorder.PATIENCE).until(() -> count(recorder, "live") >= 3);
            assertThat(count(recorder, "closed")).isZero();
            live.close();
            closed.close();
        }
    }

    @Test
    void aBlankNameIsRefused() {
        assertThatThrownBy(() -> BrokerStatistics.record(broker, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }

    private static long count(Recorder recorder, String broker) {
        return recorder.named(BROKER_STATISTICS).stream().filter(e -> broker.equals(e.getString("broker"))).count();
    }
}
