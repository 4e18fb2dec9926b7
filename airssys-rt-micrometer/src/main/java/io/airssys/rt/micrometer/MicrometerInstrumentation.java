package io.airssys.rt.micrometer;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The broker's {@link Instrumentation} on Micrometer: timers, outcome counters and, when given an
 * {@link ObservationRegistry}, observations that follow each message from its send to its
 * handler and on through the asks that handler makes.
 *
 * <pre>{@code
 * MicrometerInstrumentation metrics = MicrometerInstrumentation.builder(meterRegistry)
 *         .observationRegistry(observationRegistry)            // optional: tracing
 *         .actorGroups(id -> directory.kindOf(id))              // optional: default one group "all"
 *         .build();
 * var broker = InMemoryMessageBroker.builder().instrumentation(metrics).build();
 * }</pre>
 *
 * <h2>Meters</h2>
 * <ul>
 *   <li>{@value #QUEUED} (timer; tags {@code type}, {@code group}): how long a message waited in
 *       its mailbox before its handler started.</li>
 *   <li>{@value #PROCESSING} (timer; tags {@code type}, {@code group}, {@code outcome} =
 *       {@code success} or {@code failure}): how long the handler ran, and whether it threw.
 *       For a handler that returns a stage this is until it returned the stage.</li>
 *   <li>{@value #OUTCOMES} (counter; tags {@code type}, {@code group}, {@code outcome} =
 *       {@link Outcome#tag()}): one count per message where it is retired, processed or not.
 *       This is where dead letters show per type and group; a failed stage shows here as
 *       {@code handler_failed}.</li>
 *   <li>{@value #ACTORS} (gauge; tag {@code group}): actors registered, per group.</li>
 * </ul>
 *
 * <h2>Cardinality</h2>
 * A tag value is never an actor id: 100,000 actors must not mean 100,000 time series. Actors
 * are tagged by a <em>group</em> the application chooses ({@link Builder#actorGroups}; by
 * default every actor is in {@value #DEFAULT_GROUP}); a message without a target actor (a
 * publish that found no subscriber) is in {@value #NO_GROUP}. Message types are named by
 * their class ({@link Builder#messageTypeNames}; by default its simple name). So the number of
 * series is bounded by types × groups × outcomes.
 *
 * <h2>Cost per message</h2>
 * The meters of each (type, group) pair are created once and cached (by class in a
 * {@link ClassValue}, then by group in a {@link ConcurrentHashMap}); without observations a
 * message costs two map reads, the group function, one timer record per hook and one counter
 * increment, and allocates nothing of its own: its send token is the cached meters themselves.
 *
 * <h2>Observations</h2>
 * With an {@link ObservationRegistry} that has handlers, each message gets two observations:
 * <ul>
 *   <li>{@value #SEND_OBSERVATION} (contextual name {@code "send <Type>"}), started on the
 *       sender's thread in {@link #onSend}, its parent the sender's current observation, and
 *       stopped where the message is retired ({@link #onOutcome}), with the error its sender saw
 *       and a low-cardinality {@code outcome} key;</li>
 *   <li>{@value #PROCESS_OBSERVATION} (contextual name {@code "process <Type>"}), the send
 *       observation's child, started on the actor's thread in {@link #onProcessStart} with its
 *       scope open while the handler runs, so an ask the handler makes has it as parent; the
 *       scope is closed and the observation stopped in {@link #onProcessEnd}, on the same thread,
 *       so nothing leaks to the next task of a pooled thread. A message that never starts (timed
 *       out, cancelled, refused) has no process observation.</li>
 * </ul>
 * Both carry low-cardinality keys {@code type} and {@code group} and a high-cardinality key
 * {@code actor} (the target's id, for spans only; a meter handler never turns high-cardinality
 * keys into tags).
 */
public final class MicrometerInstrumentation implements Instrumentation {

    /** Timer name: time a message waited in its mailbox. */
    public static final String QUEUED = "airssys.message.queued";
    /** Timer name: time a handler ran. */
    public static final String PROCESSING = "airssys.message.processing";
    /** Counter name: messages by outcome. */
    public static final String OUTCOMES = "airssys.message.outcomes";
    /** Gauge name: registered actors per group. */
    public static final String ACTORS = "airssys.actors";
    /** Observation name of a send (from the send to the message's outcome). */
    public static final String SEND_OBSERVATION = "airssys.send";
    /** Observation name of a handler run. */
    public static final String PROCESS_OBSERVATION = "airssys.process";

    /** Tag (and low-cardinality key): the message type. */
    public static final String TAG_TYPE = "type";
    /** Tag (and low-cardinality key): the target actor's group. */
    public static final String TAG_GROUP = "group";
    /** Tag (and low-cardinality key): the outcome. */
    public static final String TAG_OUTCOME = "outcome";
    /** High-cardinality observation key (never a meter tag): the target actor's id. */
    public static final String KEY_ACTOR = "actor";

    /** The group of every actor when no group function is given. */
    public static final String DEFAULT_GROUP = "all";
    /** The group of a message without a target actor (a publish or routed send nobody subscribes to). */
    public static final String NO_GROUP = "none";

    private final MeterRegistry meters;
    private final ObservationRegistry observations; // null: no observations
    private final Function<? super ActorId, String> groups;
    private final ClassValue<TypeMeters> types;
    private final Map<String, AtomicLong> actorsPerGroup = new ConcurrentHashMap<>();

    private MicrometerInstrumentation(Builder b) {
        this.meters = b.meters;
        this.observations = b.observations;
        this.groups = b.groups;
        Function<? super Class<?>, String> names = b.typeNames;
        MeterRegistry registry = b.meters;
        this.types = new ClassValue<>() {
            @Override
            protected TypeMeters computeValue(Class<?> type) {
                String name = names.apply(type);
                if (name == null || name.isEmpty()) {
                    throw new IllegalStateException("the message type namer returned "
                            + (name == null ? "null" : "an empty name") + " for " + type.getName());
                }
                return new TypeMeters(registry, name);
            }
        };
    }

    /**
     * Starts a builder.
     *
     * @param meterRegistry where the meters are registered
     * @return a builder with the defaults
     */
    public static Builder builder(MeterRegistry meterRegistry) {
        return new Builder(meterRegistry);
    }

    /** The meters of one message type, by group. */
    private static final class TypeMeters {
        private final MeterRegistry registry;
        private final String type;
        private final ConcurrentHashMap<String, MessageMeters> byGroup = new ConcurrentHashMap<>();

        TypeMeters(MeterRegistry registry, String type) {
            this.registry = registry;
            this.type = type;
        }

        MessageMeters group(String group) {
            MessageMeters m = byGroup.get(group); // the common case: no lambda, no allocation
            return m != null ? m : byGroup.computeIfAbsent(group, g -> new MessageMeters(registry, type, g));
        }
    }

    /** A send token when the message has a send observation. */
    private record Sent(MessageMeters meters, Observation observation) {
    }

    /** A process token when the handler run has a process observation (and its open scope). */
    private record Processing(MessageMeters meters, Observation observation, Observation.Scope scope) {
    }

    private String groupOf(ActorId actor) {
        if (actor == null) {
            return NO_GROUP;
        }
        String group = groups.apply(actor);
        if (group == null) {
            throw new IllegalStateException("the actor group function returned null for " + actor);
        }
        return group;
    }

    private MessageMeters metersOf(Object message, ActorId actor) {
        return types.get(message.getClass()).group(groupOf(actor));
    }

    private Observation observation(String name, MessageMeters m, String contextualName, ActorId actor) {
        Observation o = Observation.createNotStarted(name, Observation.Context::new, observations);
        if (o.isNoop()) {
            return o;
        }
        o.contextualName(contextualName)
                .lowCardinalityKeyValue(TAG_TYPE, m.type)
                .lowCardinalityKeyValue(TAG_GROUP, m.group);
        if (actor != null) {
            o.highCardinalityKeyValue(KEY_ACTOR, actor.toString());
        }
        return o;
    }

    /**
     * Finds the message's meters; with observations, starts its send observation, a child of the
     * sender's current observation.
     *
     * @return the cached meters, or a token holding them and the send observation
     */
    @Override
    public Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
        MessageMeters m = metersOf(message, target);
        if (observations == null) {
            return m;
        }
        Observation send = observation(SEND_OBSERVATION, m, m.sendName, target);
        if (send.isNoop()) {
            return m;
        }
        send.parentObservation(observations.getCurrentObservation()).start();
        return new Sent(m, send);
    }

    /**
     * Records the time queued; with observations, starts the process observation (child of the
     * send observation) and opens its scope on this, the actor's, thread.
     *
     * @return the meters, or a token holding them, the process observation and its scope
     */
    @Override
    public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
        MessageMeters m;
        Observation parent = null;
        if (sendToken instanceof Sent s) {
            m = s.meters();
            parent = s.observation();
        } else if (sendToken instanceof MessageMeters sent) {
            m = sent;
        } else { // onSend threw, or the message was sent without this instrumentation
            m = metersOf(message, actor);
        }
        m.recordQueued(queuedNanos);
        if (observations == null) {
            return m;
        }
        Observation process = observation(PROCESS_OBSERVATION, m, m.processName, actor);
        if (process.isNoop()) {
            return m;
        }
        if (parent != null) {
            process.parentObservation(parent);
        }
        process.start();
        return new Processing(m, process, process.openScope());
    }

    /**
     * Records the processing time by success or failure; closes the process observation's scope
     * and stops it (with the handler's failure as its error).
     */
    @Override
    public void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                             Throwable failure) {
        if (processToken instanceof Processing p) {
            try {
                p.meters().recordProcessing(processingNanos, failure != null);
            } finally {
                Observation process = p.observation();
                process.lowCardinalityKeyValue(TAG_OUTCOME, failure == null ? MessageMeters.SUCCESS
                        : MessageMeters.FAILURE);
                if (failure != null) {
                    process.error(failure);
                }
                p.scope().close(); // restores this thread's previous observation (none, on a pool thread)
                process.stop();
            }
        } else if (processToken instanceof MessageMeters m) {
            m.recordProcessing(processingNanos, failure != null);
        }
    }

    /**
     * Counts the outcome; stops the send observation, with the error its sender saw.
     */
    @Override
    public void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
        if (sendToken instanceof Sent s) {
            try {
                s.meters().countOutcome(outcome);
            } finally {
                Observation send = s.observation();
                send.lowCardinalityKeyValue(TAG_OUTCOME, outcome.tag());
                if (error != null) {
                    send.error(error);
                }
                send.stop();
            }
        } else if (sendToken instanceof MessageMeters m) {
            m.countOutcome(outcome);
        } else {
            metersOf(message, null).countOutcome(outcome);
        }
    }

    /** Counts the actor in its group's {@value #ACTORS} gauge. */
    @Override
    public void onRegister(ActorId actor) {
        actorsIn(groupOf(actor)).incrementAndGet();
    }

    /** Takes the actor out of its group's {@value #ACTORS} gauge. */
    @Override
    public void onUnregister(ActorId actor) {
        actorsIn(groupOf(actor)).decrementAndGet();
    }

    private AtomicLong actorsIn(String group) {
        AtomicLong n = actorsPerGroup.get(group);
        if (n != null) {
            return n;
        }
        return actorsPerGroup.computeIfAbsent(group, g -> {
            AtomicLong count = new AtomicLong();
            Gauge.builder(ACTORS, count, AtomicLong::get)
                    .description("Actors registered with the broker, per actor group")
                    .tag(TAG_GROUP, g)
                    .strongReference(true)
                    .register(meters);
            return count;
        });
    }

    /** Configures a {@link MicrometerInstrumentation}; each option may be set once. */
    public static final class Builder {
        private final MeterRegistry meters;
        private ObservationRegistry observations;
        private Function<? super ActorId, String> groups;
        private Function<? super Class<?>, String> typeNames;

        private Builder(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meterRegistry");
        }

        /**
         * Turns on observations ({@value #SEND_OBSERVATION} and {@value #PROCESS_OBSERVATION}).
         * Without this call there are none, and no observation code runs per message.
         *
         * @param registry the observation registry (with the handlers that turn observations into
         *                 spans, such as a tracing bridge)
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            Objects.requireNonNull(registry, "observationRegistry");
            if (observations != null) {
                throw new IllegalStateException("observationRegistry was already set");
            }
            this.observations = registry;
            return this;
        }

        /**
         * Sets the function that puts each actor in a group, the value of the {@code group} tag
         * (default: every actor in {@value MicrometerInstrumentation#DEFAULT_GROUP}). It runs on
         * every send, so it must be cheap, must not block, and must return the same group for an
         * id every time. Return a few fixed strings (the actor's role: {@code "accounts"},
         * {@code "sessions"}), never the id itself: each distinct group is a time series per
         * type and outcome.
         *
         * @param groups maps an actor id to its group; never returns {@code null}
         * @return this builder
         */
        public Builder actorGroups(Function<? super ActorId, String> groups) {
            Objects.requireNonNull(groups, "actorGroups");
            if (this.groups != null) {
                throw new IllegalStateException("actorGroups was already set");
            }
            this.groups = groups;
            return this;
        }

        /**
         * Sets how a message class is named in the {@code type} tag (default:
         * {@link Class#getSimpleName()}, or the class name for an anonymous class). Called once
         * per class; the name is cached.
         *
         * @param names maps a message class to its name; never returns {@code null} or empty
         * @return this builder
         */
        public Builder messageTypeNames(Function<? super Class<?>, String> names) {
            Objects.requireNonNull(names, "messageTypeNames");
            if (this.typeNames != null) {
                throw new IllegalStateException("messageTypeNames was already set");
            }
            this.typeNames = names;
            return this;
        }

        /**
         * Builds the instrumentation; install it with
         * {@code InMemoryMessageBroker.builder().instrumentation(...)}.
         *
         * @return a new instrumentation
         */
        public MicrometerInstrumentation build() {
            if (groups == null) {
                groups = id -> DEFAULT_GROUP;
            }
            if (typeNames == null) {
                typeNames = MicrometerInstrumentation::simpleName;
            }
            return new MicrometerInstrumentation(this);
        }
    }

    private static String simpleName(Class<?> type) {
        String simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName() : simple;
    }
}
