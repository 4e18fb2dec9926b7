package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.MessageBroker;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throughput budget keeps a flooded actor from starving the others, on every kind of
 * executor an {@link ActorSystem} can run on (issue 8, item 3).
 *
 * <p>Every dispatcher thread is taken by a flooded actor whose first message spins on a gate
 * (spinning, not blocking, so that a virtual thread keeps its carrier too). While they are
 * held, each flooded actor gets a backlog and actor B gets one probe. Then the gates open. A
 * fair dispatcher runs B after at most a few budgets of the flooded actors; before the fix, on
 * a {@code ForkJoinPool} (the default, an injected one, and the virtual-thread scheduler) a run
 * that used its budget went to its worker's local queue and B was served only after every
 * backlog was done.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FairnessTest {

    private static final int BACKLOG = 20_000;
    private static final int BUDGETS_ALLOWED = 5;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    record Gate() implements Message<Void> {
    }

    record Work() implements Message<Void> {
    }

    record Probe() implements Message<Long> {
    }

    /** Each executor kind, with as many flooded actors as it has threads. */
    enum Kind {
        DEFAULT_POOL(CORES) {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown) {
                return b;
            }
        },
        ONE_THREAD_POOL(1) {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown) {
                return b.threads(1);
            }
        },
        VIRTUAL_THREADS(CORES) { // the default scheduler has one carrier per core
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown) {
                return b.virtualThreads();
            }
        },
        SPINNING(1) {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown) {
                return b.spinningDispatcher(Duration.ofNanos(50_000)).threads(1);
            }
        },
        INJECTED_THREAD_POOL(2) {
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown) {
                ExecutorService e = Executors.newFixedThreadPool(2);
                toShutDown.add(e);
                return b.executor(e);
            }
        },
        INJECTED_FORK_JOIN_POOL(2) { // LIFO mode, the ForkJoinPool default
            @Override
            ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown) {
                ForkJoinPool e = new ForkJoinPool(2);
                toShutDown.add(e);
                return b.executor(e);
            }
        };

        final int threads;

        Kind(int threads) {
            this.threads = threads;
        }

        abstract ActorSystem.Builder configure(ActorSystem.Builder b, List<ExecutorService> toShutDown);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anActorWithOneMessageIsServedWithinAFewBudgetsOfFloodedActors(Kind kind) throws Exception {
        List<ExecutorService> injected = new ArrayList<>();
        ActorSystem system = kind.configure(ActorSystem.builder().shutdownTimeout(Duration.ofSeconds(5)), injected)
                .build();
        LongAdder floodedProcessed = new LongAdder();
        CountDownLatch entered = new CountDownLatch(kind.threads);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        AtomicBoolean open = new AtomicBoolean();
        try {
            MessageBroker broker = system.broker();
            ActorId b = system.spawn(Behaviors.receive().on(Probe.class, p -> floodedProcessed.sum()).build()).id();
            assertThat(broker.send(b, new Probe()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isZero();

            List<ActorId> flooded = new ArrayList<>();
            for (int i = 0; i < kind.threads; i++) {
                flooded.add(system.spawn(Behaviors.receive()
                        .onTell(Gate.class, g -> {
                            entered.countDown();
                            while (!open.get()) { // spins: a virtual thread keeps its carrier too
                                Thread.onSpinWait();
                                if (System.nanoTime() - deadline > 0) {
                                    throw new IllegalStateException("the gate was never opened");
                                }
                            }
                        })
                        .onTell(Work.class, w -> floodedProcessed.increment())
                        .build()).id());
            }
            for (ActorId a : flooded) {
                broker.trySend(a, new Gate());
            }
            assertThat(entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .as("every dispatcher thread holds a flooded actor").isTrue();
            for (ActorId a : flooded) {
                for (int i = 0; i < BACKLOG; i++) {
                    broker.trySend(a, new Work());
                }
            }
            CompletableFuture<Long> probe = broker.send(b, new Probe());
            open.set(true);

            long processedBeforeB = probe.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            long bound = (long) kind.threads * BUDGETS_ALLOWED * ActorSystem.DEFAULT_THROUGHPUT;
            assertThat(processedBeforeB)
                    .as("messages of %d flooded actor(s) processed before B's one message (of %d queued)",
                            kind.threads, (long) kind.threads * BACKLOG)
                    .isLessThanOrEqualTo(bound);
        } finally {
            open.set(true);
            system.close();
            injected.forEach(ExecutorService::shutdownNow);
        }
    }
}
