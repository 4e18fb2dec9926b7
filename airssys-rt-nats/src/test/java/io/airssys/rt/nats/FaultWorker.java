package io.airssys.rt.nats;

import io.airssys.rt.Message;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Echo;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Hold;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Note;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An actor for the fault tests, on the contract's messages (so the contract's codec carries
 * them): {@link Echo} answers its text; {@link Note} counts its tag (a request processed twice
 * shows as a count of 2) and answers it; {@link Hold} parks the handler until the test opens the
 * named gate (at most 30 s) and answers "released".
 */
final class FaultWorker {

    /** How many times each {@link Note} tag was processed, by any actor of this worker. */
    final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    /** How many {@link Hold}s are inside their handler now or were. */
    final AtomicInteger held = new AtomicInteger();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    Behavior<Message<?>> behavior() {
        return Behaviors.receive()
                .on(Echo.class, Echo::text)
                .on(Note.class, n -> {
                    processed.computeIfAbsent(n.tag(), t -> new AtomicInteger()).incrementAndGet();
                    return n.tag();
                })
                .on(Hold.class, h -> {
                    held.incrementAndGet();
                    gate(h.gate()).await(30, TimeUnit.SECONDS);
                    return "released";
                })
                .build();
    }

    /** Lets every handler parked on {@code name} (now or later) go on. */
    void open(String name) {
        gate(name).countDown();
    }

    /** Opens every gate named so far: for cleanup. */
    void openAll() {
        gates.values().forEach(CountDownLatch::countDown);
    }

    private CountDownLatch gate(String name) {
        return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
    }
}
