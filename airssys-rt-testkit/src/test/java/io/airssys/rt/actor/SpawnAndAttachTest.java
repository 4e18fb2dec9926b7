package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spawning and attaching: typed outcomes under races, and no actor stolen from another broker. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpawnAndAttachTest {

    record Ping() implements Message<String> {
    }

    @Test
    void spawnRacingAnUnregisterOfTheSameIdEndsInADocumentedOutcome() throws Exception {
        ActorId id = ActorId.of(4242);
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicInteger spawned = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (ActorSystem system = ActorSystem.builder().threads(1).build();
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            MessageBroker broker = system.broker();
            Future<?> unregisterer = pool.submit(() -> {
                while (!stop.get()) {
                    if (!broker.isRegistered(id)) {
                        Thread.onSpinWait(); // cheap: wait for the spawner's register, then strike at once
                        continue;
                    }
                    try {
                        broker.unregister(id);
                    } catch (BrokerException e) {
                        if (e.error() != BrokerError.NOT_FOUND) {
                            unexpected.compareAndSet(null, e);
                        }
                    }
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (int i = 0; i < 200_000 && System.nanoTime() < until; i++) {
                while (broker.isRegistered(id) && System.nanoTime() < until) {
                    Thread.onSpinWait(); // ping-pong with the unregisterer: every spawn races an unregister
                }
                try {
                    system.spawn(id, Behaviors.receive().on(Ping.class, p -> "pong").build(), Mailbox.unbounded());
                    spawned.incrementAndGet();
                } catch (BrokerException e) {
                    if (e.error() != BrokerError.ALREADY_REGISTERED) {
                        unexpected.compareAndSet(null, e);
                    }
                } catch (Throwable t) {
                    unexpected.compareAndSet(null, t);
                }
            }
            stop.set(true);
            unregisterer.get(20, TimeUnit.SECONDS);
        }
        assertThat(unexpected.get()).as("only ALREADY_REGISTERED may come out of a spawn").isNull();
        assertThat(spawned.get()).isPositive();
    }

    @Test
    void attachRefusesAMailboxRegisteredWithAnotherBroker() {
        ActorSystem mine = ActorSystem.create();
        try (mine; ActorSystem theirs = ActorSystem.create()) {
            Mailbox<Message<?>> mailbox = Mailbox.unbounded();
            ActorId id = ActorId.newId();
            theirs.broker().register(id, mailbox);
            assertThatThrownBy(() -> mine.attach(Behaviors.receive().on(Ping.class, p -> "pong").build(), mailbox))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another broker");
            // the mailbox is untouched: its own system can still attach to it
            theirs.attach(Behaviors.receive().on(Ping.class, p -> "pong").build(), mailbox);
            CompletableFuture<String> reply = theirs.broker().send(id, new Ping());
            assertThat(reply.join()).isEqualTo("pong");
            mine.close(); // closing the other system leaves this actor alone
            assertThat(theirs.broker().isRegistered(id)).isTrue();
        }
    }
}
