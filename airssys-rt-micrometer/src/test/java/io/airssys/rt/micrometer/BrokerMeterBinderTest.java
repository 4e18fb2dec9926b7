package io.airssys.rt.micrometer;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The binder reads what the broker counts: its numbers equal {@code metrics()} and the dead letter queue's. */
class BrokerMeterBinderTest {

    record Square(int n) implements Message<Integer> {
    }

    record Unknown() implements Message<Void> {
    }

    @Test
    void meters_equal_the_brokers_own_counters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ActorSystem system = ActorSystem.builder().threads(2).build()) {
            BrokerNode broker = system.broker();
            new BrokerMeterBinder(broker, Tags.of("broker", "test")).bindTo(registry);
            ActorId calc = system.spawn(Behaviors.receive().on(Square.class, s -> {
                if (s.n() < 0) {
                    throw new IllegalArgumentException("negative: " + s.n());
                }
                return s.n() * s.n();
            }).build()).id();
            system.spawn(Behaviors.receive().on(Square.class, s -> s.n()).build());

            for (int n = -3; n < 10; n++) {
                broker.send(calc, new Square(n)).exceptionally(e -> -1).join();
            }
            // no handler for the type: UNHANDLED; an id nobody has: ACTOR_NOT_FOUND
            CompletableFuture<Void> unhandled = broker.send(calc, new Unknown());
            assertThatThrownBy(unhandled::join).isNotNull();
            assertThatThrownBy(() -> broker.trySend(ActorId.of(42), new Unknown()))
                    .isInstanceOf(SendException.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> broker.metrics().inFlight() == 0);
            BrokerMetrics metrics = broker.metrics();
            assertThat(metrics.totalSent()).isEqualTo(15);
            assertThat(metrics.totalFailed()).isEqualTo(5);

            assertThat(counter(registry, BrokerMeterBinder.SENT)).isEqualTo(metrics.totalSent());
            assertThat(counter(registry, BrokerMeterBinder.DELIVERED)).isEqualTo(metrics.totalDelivered());
            assertThat(counter(registry, BrokerMeterBinder.FAILED)).isEqualTo(metrics.totalFailed());
            assertThat(gauge(registry, BrokerMeterBinder.IN_FLIGHT)).isZero();
            assertThat(gauge(registry, BrokerMeterBinder.ACTORS)).isEqualTo(2);
            assertThat(registry.get(BrokerMeterBinder.ROUTING_LATENCY).tag("broker", "test").timeGauge()
                    .value(TimeUnit.NANOSECONDS)).isEqualTo(metrics.avgRoutingLatencyNs());

            Map<DeadLetterReason, Long> byReason = broker.deadLetters().countsByReason();
            assertThat(byReason.get(DeadLetterReason.UNHANDLED)).isEqualTo(1);
            assertThat(byReason.get(DeadLetterReason.ACTOR_NOT_FOUND)).isEqualTo(1);
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                assertThat(registry.get(BrokerMeterBinder.DEAD_LETTERS)
                        .tag("broker", "test")
                        .tag(BrokerMeterBinder.TAG_REASON, reason.name().toLowerCase(Locale.ROOT))
                        .functionCounter().count())
                        .as("dead letters %s", reason)
                        .isEqualTo(byReason.get(reason).doubleValue());
            }
            assertThat(gauge(registry, BrokerMeterBinder.DEAD_LETTERS_QUEUED)).isEqualTo(broker.deadLetters().size());
            assertThat(counter(registry, BrokerMeterBinder.DEAD_LETTERS_DISCARDED)).isZero();
        }
    }

    @Test
    void an_in_flight_message_shows_in_the_gauge_until_it_is_answered() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CompletableFuture<Integer> gate = new CompletableFuture<>();
        try (ActorSystem system = ActorSystem.builder().threads(1).build()) {
            BrokerNode broker = system.broker();
            new BrokerMeterBinder(broker).bindTo(registry);
            ActorId slow = system.spawn(Behaviors.receive().onAsync(Square.class, s -> gate).build()).id();

            CompletableFuture<Integer> reply = broker.send(slow, new Square(3));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.get(BrokerMeterBinder.IN_FLIGHT).gauge().value() == 1);
            gate.complete(9);
            assertThat(reply.join()).isEqualTo(9);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registry.get(BrokerMeterBinder.IN_FLIGHT).gauge().value() == 0);
            assertThat(registry.get(BrokerMeterBinder.DELIVERED).functionCounter().count()).isEqualTo(1);
        }
    }

    private static double counter(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("broker", "test").functionCounter().count();
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("broker", "test").gauge().value();
    }
}
