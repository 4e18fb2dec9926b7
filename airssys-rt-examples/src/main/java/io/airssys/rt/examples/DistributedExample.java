package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.nats.DistributedMessageBroker;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.nats.client.Connection;
import io.nats.client.Nats;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The spec's {@code DistributedMessageBroker}: three nodes (three broker instances, as three JVMs
 * would run them) on a local 3-server NATS cluster. An account actor lives on node 3; node 1
 * asks it for a balance, and a broadcast from node 2 reaches a worker on every node, replies in
 * registration order. Needs {@code nats-server} (scripts/ensure-nats-server.sh installs it).
 */
public final class DistributedExample {

    /** The spec's request: answered with a Double. */
    record GetBalance(long accountId) implements Message<Double> {
    }

    /** Answered with the name of the node that processed it. */
    record WhereAreYou() implements Message<String> {
    }

    private DistributedExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     * @throws Exception if the cluster cannot start
     */
    public static void run(PrintStream out) throws Exception {
        MessageCodec codec = JacksonMessageCodec.of(MessageTypes.builder()
                .add("bank.GetBalance", GetBalance.class)       // stable names, the same on every node
                .add("demo.WhereAreYou", WhereAreYou.class)
                .build());
        try (NatsCluster cluster = NatsCluster.start(3)) {
            List<Connection> connections = new ArrayList<>();
            List<DistributedMessageBroker> nodes = new ArrayList<>();
            List<ActorSystem> systems = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Connection c = Nats.connect(cluster.clientOptions(i).reportNoResponders().build());
                    connections.add(c);
                    DistributedMessageBroker node = DistributedMessageBroker.builder(c, codec).replicas(3).start();
                    nodes.add(node);
                    systems.add(ActorSystem.builder().broker(node).build());
                }
                for (int i = 0; i < 3; i++) {
                    String name = "node " + nodes.get(i).node();
                    systems.get(i).spawn(Behaviors.receive().on(WhereAreYou.class, w -> name).build());
                }
                ActorId account = systems.get(2).spawn(Behaviors.receive()
                        .on(GetBalance.class, g -> 125.50).build()).id();

                double balance = nodes.get(0).send(account, new GetBalance(123)).join();
                out.printf(Locale.ROOT, "node %d asked node %d: Account balance: $%.2f%n", nodes.get(0).node(),
                        nodes.get(2).node(), balance);

                List<Reply<String>> replies = nodes.get(1).broadcastFilter(new WhereAreYou(),
                        id -> !id.equals(account)).join();
                out.println("a broadcast from node " + nodes.get(1).node() + " was answered by "
                        + replies.stream().map(r -> ((Reply.Ok<String>) r).value()).toList());
                out.println("actors in the cluster: " + nodes.get(0).registeredCount());
            } finally {
                systems.forEach(ActorSystem::close);
                for (Connection c : connections) {
                    c.close();
                }
            }
        }
    }
}
