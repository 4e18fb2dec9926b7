package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DevSmokeTest {
    record Ping(String s) implements Message<String> {}

    @Test
    @SuppressWarnings("try")
    void twoNodes() throws Exception {
        MessageTypes types = MessageTypes.builder().add("t.Ping", Ping.class).build();
        Options o = Options.builder().server("nats://127.0.0.1:14222").reportNoResponders().build();
        try (Connection c1 = Nats.connect(o); Connection c2 = Nats.connect(o)) {
            String prefix = "dev" + System.nanoTime();
            var n1 = DistributedMessageBroker.builder(c1, JacksonMessageCodec.of(types)).prefix(prefix).start();
            var n2 = DistributedMessageBroker.builder(c2, JacksonMessageCodec.of(types)).prefix(prefix).start();
            try (ActorSystem s1 = ActorSystem.builder().broker(n1).build();
                 ActorSystem s2 = ActorSystem.builder().broker(n2).build()) {
                ActorId a = s2.spawn(Behaviors.receive().on(Ping.class, p -> "pong " + p.s()).build()).id();
                long t0 = System.nanoTime();
                assertThat(n1.send(a, new Ping("x")).join()).isEqualTo("pong x");
                System.out.println("first remote send " + (System.nanoTime() - t0) / 1000 + " us");
                t0 = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    n1.send(a, new Ping("y")).join();
                }
                System.out.println("remote rt avg " + (System.nanoTime() - t0) / 1000 / 1000 + " us");
                ActorId b = s1.spawn(Behaviors.receive().on(Ping.class, p -> "local " + p.s()).build()).id();
                List<Reply<String>> replies = n2.broadcast(new Ping("z")).join();
                System.out.println(replies);
                assertThat(replies).hasSize(2);
                assertThat(n1.registeredCount()).isEqualTo(2);
                assertThat(n1.actorIds()).containsExactly(a, b);
                n2.subscribe(b, "orders.*");
                System.out.println(n1.publish("orders.new", new Ping("p")).join());
                System.out.println(n2.subscriptions(b));
                n1.unregister(a);
                assertThat(n2.isRegistered(a)).isFalse();
            }
        }
    }
}
