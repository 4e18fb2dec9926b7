package io.airssys.rt.mailbox;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.testkit.ManualExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Priority order, FIFO within a priority, and the starvation limit, on a manual executor. */
class PriorityTest {

    record Tag(String name) implements Message<Void> {
    }

    private final ManualExecutor executor = new ManualExecutor();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final ActorSystem system = ActorSystem.builder().executor(executor).build();
    private final MessageBroker broker = system.broker();

    @AfterEach
    void close() {
        system.close();
    }

    private ActorId spawnIdle(Mailbox<?> mailbox) {
        ActorId id = system.spawn(Behaviors.receive().onTell(Tag.class, t -> order.add(t.name())).build(), mailbox).id();
        executor.runAll();
        return id;
    }

    private void send(ActorId id, String name, Priority p) {
        broker.sendWithPriority(id, new Tag(name), p);
    }

    @Test
    void strictPriorityServesLowLast() {
        ActorId id = spawnIdle(Mailbox.unbounded());
        send(id, "low", Priority.LOW);
        for (int i = 1; i <= 4; i++) {
            send(id, "h" + i, Priority.HIGH);
        }
        executor.runAll();
        assertThat(order).containsExactly("h1", "h2", "h3", "h4", "low");
    }

    @Test
    void aStarvationLimitLetsTheOldestWaitingMessageThrough() {
        ActorId id = spawnIdle(Mailbox.builder().starvationLimit(2).build());
        send(id, "low", Priority.LOW);
        for (int i = 1; i <= 6; i++) {
            send(id, "h" + i, Priority.HIGH);
        }
        executor.runAll();
        assertThat(order).containsExactly("h1", "h2", "low", "h3", "h4", "h5", "h6");
    }

    @Test
    void aCriticalMessageOvertakesNormalOnesTheActorHasAlreadyTaken() {
        // n1..n3 are taken from the mailbox in one batch; while handling n1 the actor is sent a
        // CRITICAL message, which must go before n2 and n3
        ActorId[] self = new ActorId[1];
        self[0] = system.spawn(Behaviors.receive().on(Tag.class, (ctx, t) -> {
            order.add(t.name());
            if (t.name().equals("n1")) {
                ctx.broker().sendWithPriority(ctx.self(), new Tag("critical"), Priority.CRITICAL);
            }
            return null;
        }).build()).id();
        executor.runAll();
        for (int i = 1; i <= 3; i++) {
            broker.trySend(self[0], new Tag("n" + i));
        }
        executor.runAll();
        assertThat(order).containsExactly("n1", "critical", "n2", "n3");
    }

    @Test
    void eachPriorityKeepsTheSendersOrder() {
        ActorId id = spawnIdle(Mailbox.unbounded());
        Priority[] ps = Priority.values();
        for (int i = 0; i < 40; i++) {
            Priority p = ps[i % ps.length];
            send(id, p + "-" + i, p);
        }
        executor.runAll();
        assertThat(order).hasSize(40);
        for (Priority p : ps) {
            List<String> mine = order.stream().filter(s -> s.startsWith(p + "-")).toList();
            List<Integer> seq = mine.stream().map(s -> Integer.parseInt(s.substring(s.indexOf('-') + 1))).toList();
            assertThat(seq).isSorted();
        }
        assertThat(order.get(0)).startsWith("CRITICAL");
        assertThat(order.get(39)).startsWith("LOW");
    }
}
