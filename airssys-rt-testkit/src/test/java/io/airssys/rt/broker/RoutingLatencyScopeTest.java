package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.testkit.ManualExecutor;
import io.airssys.rt.testkit.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code avgRoutingLatencyNs} times the routing step only (lookup and enqueue): a slow
 * hand-off of an idle actor to its executor is not part of it.
 */
class RoutingLatencyScopeTest {

    record Note() implements Message<Void> {
    }

    @Test
    void handingAnIdleActorToASlowExecutorIsNotRoutingTime() {
        long handOff = TimeUnit.MILLISECONDS.toNanos(300);
        ManualExecutor queue = new ManualExecutor();
        Executor slowHandOff = task -> {
            LockSupport.parkNanos(handOff); // an executor that takes 300 ms to accept a task
            queue.execute(task);
        };
        try (ActorSystem system = ActorSystem.builder()
                .broker(InMemoryMessageBroker.builder().scheduler(new ManualScheduler()).build())
                .executor(slowHandOff).build()) {
            ActorId id = system.spawn(Behaviors.receive().onTell(Note.class, n -> { }).build()).id();
            queue.runAll();
            for (int i = 0; i < 3; i++) {
                system.broker().trySend(id, new Note()); // the actor is idle each time: every send hands it off
                queue.runAll();
            }
            assertThat(system.broker().metrics().avgRoutingLatencyNs())
                    .as("routing time must leave out the 300 ms hand-off").isLessThan(handOff / 2);
        }
    }
}
