package io.airssys.rt.micrometer;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.SendOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * End to end through an {@link InMemoryMessageBroker} and an {@link ActorSystem}, observed by a
 * {@link TestObservationRegistry} (which also validates each observation's lifecycle): the parent
 * chain across a nested ask, no scope left behind on a pooled thread, and no process observation
 * for a message that timed out before it started.
 */
class ObservationTest {

    record Outer() implements Message<String> {
    }

    record Inner() implements Message<String> {
    }

    record Work(int n) implements Message<String> {
    }

    record Fail() implements Message<String> {
    }

    record Block() implements Message<String> {
    }

    record Late() implements Message<String> {
    }

    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryMessageBroker broker = InMemoryMessageBroker.builder()
            .instrumentation(MicrometerInstrumentation.builder(meters).observationRegistry(observations).build())
            .build();
    private final Queue<Observation.Context> stopped = new ConcurrentLinkedQueue<>();
    private ExecutorService pool;

    ObservationTest() {
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        broker.close();
        if (pool != null) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** {@code count} observations of a name, all stopped (an outcome may follow its reply by a moment). */
    private void awaitStopped(String name, int count) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stopped.stream().filter(c -> name.equals(c.getName())).count() == count);
        assertThat(observations).hasNumberOfObservationsWithNameEqualTo(name, count);
    }

    private List<Observation.Context> contexts() {
        List<Observation.Context> all = new ArrayList<>();
        assertThat(observations).hasHandledContextsThatSatisfy(all::addAll);
        return all;
    }

    private Observation.Context context(String contextualName) {
        return contexts().stream().filter(c -> contextualName.equals(c.getContextualName())).findFirst()
                .orElseThrow(() -> new AssertionError("no observation " + contextualName + " in " + contexts()));
    }

    private static List<String> parentChain(Observation.ContextView context) {
        List<String> chain = new ArrayList<>();
        ObservationView parent = context.getParentObservation();
        for (int depth = 0; parent != null && depth < 10; depth++) {
            Observation.ContextView view = parent.getContextView();
            chain.add(Objects.requireNonNullElse(view.getContextualName(), view.getName()));
            parent = view.getParentObservation();
        }
        return chain;
    }

    @Test
    void a_nested_ask_continues_the_callers_trace() {
        try (ActorSystem system = ActorSystem.builder().broker(broker).threads(2).build()) {
            ActorId b = system.spawn(Behaviors.receive().on(Inner.class, i -> "from b").build()).id();
            ActorId a = system.spawn(Behaviors.receive()
                    .onAsync(Outer.class, (ctx, o) -> ctx.broker().send(b, new Inner())) // asks b inside its handler
                    .build()).id();

            Observation caller = Observation.start("caller", observations);
            CompletableFuture<String> reply = caller.scoped(() -> broker.send(a, new Outer()));
            assertThat(reply.join()).isEqualTo("from b");
            caller.stop();

            awaitStopped(MicrometerInstrumentation.SEND_OBSERVATION, 2);
            awaitStopped(MicrometerInstrumentation.PROCESS_OBSERVATION, 2);
            assertThat(parentChain(context("process Inner")))
                    .containsExactly("send Inner", "process Outer", "send Outer", "caller");
            assertThat(context("send Outer").getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("replied");
            assertThat(context("process Inner").getLowCardinalityKeyValue("type").getValue()).isEqualTo("Inner");
            assertThat(context("process Inner").getLowCardinalityKeyValue("group").getValue()).isEqualTo("all");
            assertThat(context("process Inner").getHighCardinalityKeyValue("actor").getValue()).isEqualTo(b.toString());
        }
    }

    @Test
    void no_scope_is_left_on_a_pooled_dispatcher_thread() throws Exception {
        pool = Executors.newSingleThreadExecutor(); // one pooled thread runs every actor
        try (ActorSystem system = ActorSystem.builder().broker(broker).executor(pool).build()) {
            ActorId worker = system.spawn(Behaviors.receive()
                    .on(Work.class, w -> {
                        Observation current = observations.getCurrentObservation();
                        return current.getContextView().getContextualName() + " <- "
                                + parentChain(current.getContextView());
                    })
                    .on(Fail.class, f -> {
                        throw new IllegalStateException("boom");
                    })
                    .build()).id();

            assertThat(broker.send(worker, new Work(1)).join()).isEqualTo("process Work <- [send Work]");
            assertThatThrownBy(() -> broker.send(worker, new Fail()).join()).hasRootCauseMessage("boom");
            // the next handler on the same thread sees its own observation, not a leftover parent
            assertThat(broker.send(worker, new Work(2)).join()).isEqualTo("process Work <- [send Work]");
            awaitStopped(MicrometerInstrumentation.PROCESS_OBSERVATION, 3);

            // and once the thread is back in its pool, no observation is current on it
            AtomicReference<Object> left = new AtomicReference<>("not run");
            pool.submit(() -> left.set(observations.getCurrentObservationScope() == null
                    ? observations.getCurrentObservation() : "a scope")).get(10, TimeUnit.SECONDS);
            assertThat(left.get()).isNull();
            assertThat(context("process Fail").getError()).hasMessage("boom");
            assertThat(context("process Fail").getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("failure");
        }
    }

    @Test
    void a_message_that_timed_out_before_it_started_has_no_process_observation() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try (ActorSystem system = ActorSystem.builder().broker(broker).executor(pool).build()) {
            ActorId busy = system.spawn(Behaviors.receive()
                    .on(Block.class, b -> release.await(10, TimeUnit.SECONDS) ? "released" : "gave up")
                    .on(Late.class, l -> "too late")
                    .build()).id();

            CompletableFuture<String> blocking = broker.send(busy, new Block());
            CompletableFuture<String> late = broker.send(busy, new Late(), SendOptions.timeout(Duration.ofMillis(50)));
            await().atMost(Duration.ofSeconds(10)).until(late::isDone); // timed out while Block runs
            release.countDown();
            assertThat(blocking.join()).isEqualTo("released");
            assertThatThrownBy(late::join).hasMessageContaining("TIMEOUT");

            awaitStopped(MicrometerInstrumentation.SEND_OBSERVATION, 2);
            awaitStopped(MicrometerInstrumentation.PROCESS_OBSERVATION, 1);
            assertThat(context("process Block")).isNotNull();
            assertThat(contexts()).noneMatch(c -> "process Late".equals(c.getContextualName()));
            Observation.Context sendLate = context("send Late");
            assertThat(sendLate.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("timed_out");
            assertThat(sendLate.getError()).isNotNull();
            assertThat(meters.get(MicrometerInstrumentation.OUTCOMES).tag("type", "Late").tag("outcome", "timed_out")
                    .counter().count()).isEqualTo(1);
            assertThat(meters.find(MicrometerInstrumentation.QUEUED).tag("type", "Late").timer()).isNull();
        }
    }

    @Test
    void without_an_observation_registry_there_are_no_observations() {
        TestObservationRegistry unused = TestObservationRegistry.create();
        InMemoryMessageBroker plain = InMemoryMessageBroker.builder()
                .instrumentation(MicrometerInstrumentation.builder(new SimpleMeterRegistry()).build())
                .build();
        try (ActorSystem system = ActorSystem.builder().broker(plain).threads(1).build()) {
            ActorId a = system.spawn(Behaviors.receive().on(Work.class, w -> "ok").build()).id();
            Observation caller = Observation.start("caller", unused);
            assertThat(caller.scoped(() -> plain.send(a, new Work(1)).join())).isEqualTo("ok");
            caller.stop();
            assertThat(unused).hasNumberOfObservationsEqualTo(1).hasObservationWithNameEqualTo("caller");
        }
    }
}
