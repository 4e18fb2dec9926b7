package io.airssys.rt.deadletter;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Registration;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DeadLetterQueueTest {

    record Ping(int n) implements Message<Integer> {
    }

    /** A clock the test moves. */
    static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    private final ManualClock clock = new ManualClock();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger jul = Logger.getLogger("io.airssys.rt.deadletter");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    {
        jul.addHandler(capture);
    }

    @AfterEach
    void detach() {
        jul.removeHandler(capture);
    }

    private DeadLetter letter(int n, DeadLetterReason reason) {
        return new DeadLetter(new Ping(n), new DeadLetter.ToActor(ActorId.of(n)), reason, Priority.NORMAL,
                clock.instant(), clock.instant(), "test " + n);
    }

    @Test
    void aFullQueueEvictsTheOldestAndCountsEverything() {
        DeadLetterQueue dlq = new DeadLetterQueue(3, clock, Duration.ofSeconds(10));
        for (int i = 1; i <= 5; i++) {
            dlq.offer(letter(i, i % 2 == 0 ? DeadLetterReason.MAILBOX_FULL : DeadLetterReason.ACTOR_NOT_FOUND));
        }
        assertThat(dlq.size()).isEqualTo(3);
        assertThat(dlq.evictedCount()).isEqualTo(2);
        assertThat(dlq.totalCount()).isEqualTo(5);
        assertThat(dlq.snapshot()).extracting(d -> ((Ping) d.message()).n()).containsExactly(3, 4, 5);
        assertThat(dlq.countsByReason()).containsEntry(DeadLetterReason.ACTOR_NOT_FOUND, 3L)
                .containsEntry(DeadLetterReason.MAILBOX_FULL, 2L).containsEntry(DeadLetterReason.EVICTED, 0L);
        assertThat(dlq.drain()).hasSize(3);
        assertThat(dlq.size()).isZero();
        assertThat(dlq.totalCount()).isEqualTo(5);
    }

    @Test
    void listenersHearEveryNewLetterUntilTheyUnregisterAndCannotBreakTheQueue() {
        DeadLetterQueue dlq = new DeadLetterQueue(10, clock, Duration.ofSeconds(10));
        List<DeadLetter> heard = new CopyOnWriteArrayList<>();
        Registration r = dlq.listen(heard::add);
        dlq.listen(l -> {
            throw new IllegalStateException("bad listener");
        });
        dlq.offer(letter(1, DeadLetterReason.TIMED_OUT));
        r.close();
        r.close();
        dlq.offer(letter(2, DeadLetterReason.TIMED_OUT));
        assertThat(heard).extracting(d -> ((Ping) d.message()).n()).containsExactly(1);
        assertThat(dlq.size()).isEqualTo(2);
    }

    @Test
    void aBurstIsLoggedAsOneLinePlusASummary() {
        DeadLetterQueue dlq = new DeadLetterQueue(10, clock, Duration.ofSeconds(10));
        for (int i = 0; i < 500; i++) {
            dlq.offer(letter(i, i < 300 ? DeadLetterReason.ACTOR_NOT_FOUND : DeadLetterReason.MAILBOX_FULL));
        }
        assertThat(logged).hasSize(1);
        clock.advance(Duration.ofSeconds(10));
        dlq.offer(letter(1, DeadLetterReason.TIMED_OUT));
        assertThat(logged).hasSize(2);
        assertThat(logged.get(1).getMessage()).contains("499 more dead letters")
                .contains("ACTOR_NOT_FOUND=299").contains("MAILBOX_FULL=200");
    }

    @Test
    void replaySendsEntriesToTheirOriginalTargetOrANewOne() throws Exception {
        try (ActorSystem system = ActorSystem.create()) {
            var broker = system.broker();
            ActorId late = ActorId.of(4242);
            assertThatThrownBy(() -> broker.send(late, new Ping(1)).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("ACTOR_NOT_FOUND");
            assertThatThrownBy(() -> broker.send(late, new Ping(2)).get(5, TimeUnit.SECONDS));
            DeadLetterQueue dlq = broker.deadLetters();
            assertThat(dlq.size()).isEqualTo(2);

            List<Integer> seenByLate = new CopyOnWriteArrayList<>();
            system.spawn(late, Behaviors.receive().on(Ping.class, p -> {
                seenByLate.add(p.n());
                return p.n();
            }).build(), Mailbox.unbounded());
            assertThat(dlq.replay(d -> ((Ping) d.message()).n() == 1, broker)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> seenByLate.contains(1));

            List<Integer> seenByOther = new CopyOnWriteArrayList<>();
            ActorId other = system.spawn(Behaviors.receive().on(Ping.class, p -> {
                seenByOther.add(p.n());
                return p.n();
            }).build()).id();
            assertThat(dlq.replayTo(d -> true, other, broker)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> seenByOther.contains(2));
            assertThat(dlq.size()).isZero();
        }
    }

    @Test
    void withDeadLetterQueueRoutesLettersToTheGivenQueue() {
        DeadLetterQueue mine = new DeadLetterQueue(5);
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker().withDeadLetterQueue(mine)) {
            broker.send(ActorId.of(1), new Ping(1));
            assertThat(broker.deadLetters()).isSameAs(mine);
            assertThat(mine.snapshot()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo(DeadLetterReason.ACTOR_NOT_FOUND);
                assertThat(d.target()).isEqualTo(new DeadLetter.ToActor(ActorId.of(1)));
            });
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> new DeadLetterQueue(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> new DeadLetterQueue(1, clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logInterval");
        DeadLetterQueue dlq = new DeadLetterQueue(1);
        assertThatThrownBy(() -> dlq.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> dlq.listen(null)).isInstanceOf(NullPointerException.class);
    }
}
