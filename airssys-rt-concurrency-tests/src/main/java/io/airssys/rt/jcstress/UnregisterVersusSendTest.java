package io.airssys.rt.jcstress;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import java.util.concurrent.CompletableFuture;

/**
 * A send races with the unregistration of its target. The send's future is always complete
 * afterwards: failed with ACTOR_STOPPED if the message got into the mailbox before it closed,
 * ACTOR_NOT_FOUND if it came after. Never pending (lost).
 */
@JCStressTest
@Outcome(id = "ACTOR_STOPPED", expect = Expect.ACCEPTABLE, desc = "queued, then failed by the close")
@Outcome(id = "ACTOR_NOT_FOUND", expect = Expect.ACCEPTABLE, desc = "the send came after the unregister")
@Outcome(id = "PENDING", expect = Expect.FORBIDDEN, desc = "lost: neither delivered nor failed")
@State
public class UnregisterVersusSendTest {

    /** A request nobody will answer: no actor is attached. */
    record Ask() implements Message<Integer> {
    }

    private static final Ask ASK = new Ask();
    private static final ActorId ID = ActorId.of(7);

    private final InMemoryMessageBroker broker = InMemoryMessageBroker.builder().expectedActors(0)
            .noDefaultTimeout().build();
    private CompletableFuture<Integer> reply;

    /** Registers an idle mailbox. */
    public UnregisterVersusSendTest() {
        broker.register(ID, Mailbox.unbounded());
    }

    /** Sends. */
    @Actor
    public void send() {
        reply = broker.send(ID, ASK);
    }

    /** Unregisters. */
    @Actor
    public void unregister() {
        broker.unregister(ID);
    }

    /**
     * Records the outcome.
     *
     * @param r the error, or PENDING
     */
    @Arbiter
    public void arbiter(L_Result r) {
        r.r1 = reply.isDone() ? ((SendException) reply.exceptionNow()).error().name() : "PENDING";
    }
}
