package io.airssys.rt.jcstress;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * An actor subscribed to a topic is unregistered while another thread registers a new actor
 * under the same id and subscribes it to the same topic. The old actor's late subscription
 * cleanup must never remove the new actor's subscription: the broker removes subscriptions by
 * mailbox identity, not by id.
 * Result: (the new actor was registered, it holds its subscription afterwards).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "the unregister came first; the new actor keeps its topic")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "the id was still taken: ALREADY_REGISTERED")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "the old actor's cleanup deleted the new actor's subscription")
@State
public class UnregisterVersusReuseTest {

    private static final ActorId ID = ActorId.of(11);
    private static final String TOPIC = "orders.created";

    private final InMemoryMessageBroker broker = newBroker();
    private int registered;

    private static InMemoryMessageBroker newBroker() {
        InMemoryMessageBroker b = InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build();
        b.register(ID, Mailbox.unbounded());
        b.subscribe(ID, TOPIC);
        return b;
    }

    /** The old actor leaves. */
    @Actor
    public void unregisterOld() {
        broker.unregister(ID);
    }

    /** A new actor takes the id and subscribes. */
    @Actor
    public void reuseId() {
        try {
            broker.register(ID, Mailbox.unbounded());
        } catch (BrokerException alreadyRegistered) {
            return;
        }
        registered = 1;
        broker.subscribe(ID, TOPIC);
    }

    /**
     * Records the outcome.
     *
     * @param r registered, subscribed
     */
    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = registered;
        r.r2 = broker.subscriptions(ID).contains(TOPIC) ? 1 : 0;
    }
}
