package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ActorSystem#close()} on the executors the system owns: a close from inside a handler
 * does not wait for itself (issue 8, item 16), and runs the executor would drop at the end of
 * the shutdown timeout are still run, so that every closed actor terminates (item 1(c)).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ActorSystemCloseTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    record CloseTheSystem() implements Message<Void> {
    }

    record Gate() implements Message<Void> {
    }

    record Block() implements Message<Void> {
    }

    record Noop() implements Message<Void> {
    }

    record Request(int n) implements Message<Integer> {
    }

    /** The executors a system creates for itself. */
    enum Owned {
        DEFAULT_POOL {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b) {
                return b;
            }
        },
        SPINNING {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b) {
                return b.spinningDispatcher(Duration.ofNanos(50_000));
            }
        },
        VIRTUAL_THREADS {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b) {
                return b.virtualThreads();
            }
        };

        abstract ActorSystem.Builder configure(ActorSystem.Builder b);
    }

    /**
     * The shutdown timeout is 60 s; a close that waited for its own thread would still be
     * waiting after 20 s.
     */
    @ParameterizedTest
    @EnumSource(Owned.class)
    void closeFromInsideAHandlerReturnsWithoutWaitingForItself(Owned kind) throws Exception {
        ActorSystem system = kind.configure(ActorSystem.builder().shutdownTimeout(Duration.ofSeconds(60))).build();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ActorId closer = system.spawn(Behaviors.receive().onTell(CloseTheSystem.class, c -> {
            try {
                system.close();
            } catch (Throwable t) {
                failure.set(t);
            }
            closed.countDown();
        }).build()).id();

        system.broker().trySend(closer, new CloseTheSystem());

        assertThat(closed.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("close() called from a handler returned before the 60 s shutdown timeout").isTrue();
        assertThat(failure.get()).isNull();
        assertThat(system.broker().isRegistered(closer)).isFalse();
    }

    /**
     * One dispatcher thread, a budget of 10. Y gets 400 requests and, in its first run, sends
     * X nine messages, then one whose handler blocks (ignoring interrupts) until after close
     * returns, then five more. Y's run, re-queued after its budget, waits behind X with most
     * requests in its lanes. The shutdown timeout expires while X blocks: Y's run must still
     * run and terminate Y. When X is released its budget is used up with messages left, so
     * its run is re-submitted to an executor that is stopping: X must terminate too.
     */
    @ParameterizedTest
    @EnumSource(value = Owned.class, names = {"DEFAULT_POOL", "SPINNING"})
    void aRunQueuedWhenTheShutdownTimeoutExpiresStillTerminatesItsActor(Owned kind) throws Exception {
        ActorSystem system = kind.configure(ActorSystem.builder())
                .threads(1)
                .throughput(10)
                .shutdownTimeout(Duration.ofMillis(200))
                .build();
        BrokerNode broker = system.broker();
        CountDownLatch xEntered = new CountDownLatch(1);
        CountDownLatch releaseX = new CountDownLatch(1);
        CountDownLatch openY = new CountDownLatch(1);
        CountDownLatch yStopped = new CountDownLatch(1);
        CountDownLatch xStopped = new CountDownLatch(1);
        AtomicInteger yProcessed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

        ActorId x = system.spawn(Behaviors.receive().onTell(Noop.class, n -> { }).onTell(Block.class, blk -> {
            xEntered.countDown();
            while (releaseX.getCount() > 0 && System.nanoTime() - deadline < 0) {
                try {
                    releaseX.await(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // deliberately ignores the interrupt of shutdownNow, like a handler stuck in I/O
                }
            }
        }).onStop(ctx -> xStopped.countDown()).build()).id();
        ActorId y = system.spawn(Behaviors.receive()
                .onTell(Gate.class, g -> openY.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .on(Request.class, r -> {
                    if (yProcessed.incrementAndGet() == 5) {
                        for (int i = 0; i < 9; i++) {
                            broker.trySend(x, new Noop());
                        }
                        broker.trySend(x, new Block()); // X's tenth message: the last of its budget
                        for (int i = 0; i < 5; i++) {
                            broker.trySend(x, new Noop());
                        }
                    }
                    return r.n();
                })
                .onStop(ctx -> yStopped.countDown())
                .build()).id();

        broker.trySend(y, new Gate());
        List<CompletableFuture<Integer>> requests = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            requests.add(broker.send(y, new Request(i), Duration.ofSeconds(60)));
        }
        openY.countDown();
        assertThat(xEntered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        system.close();
        releaseX.countDown();

        assertThat(yStopped.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("Y's postStop ran").isTrue();
        assertThat(xStopped.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("X's postStop ran").isTrue();
        assertThat(yProcessed.get()).isLessThan(400);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(requests).allMatch(CompletableFuture::isDone);
            BrokerMetrics m = broker.metrics();
            assertThat(m.totalSent()).isEqualTo(m.totalDelivered() + m.totalFailed());
        });
    }
}
