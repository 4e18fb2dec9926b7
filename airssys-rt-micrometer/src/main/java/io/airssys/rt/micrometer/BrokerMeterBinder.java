package io.airssys.rt.micrometer;

import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds a broker's own numbers to a {@link MeterRegistry}: its counters
 * ({@link BrokerNode#metrics()}), its registered actors, the messages in flight and its dead
 * letters by reason. Nothing is recorded per message: each meter reads the broker when the
 * registry is scraped.
 *
 * <pre>{@code
 * new BrokerMeterBinder(system.broker()).bindTo(meterRegistry);
 * new BrokerMeterBinder(broker, Tags.of("broker", "orders")).bindTo(meterRegistry); // several brokers
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>kind</th><th>reads</th></tr>
 *   <tr><td>{@value #SENT}</td><td>function counter</td><td>{@code metrics().totalSent()}</td></tr>
 *   <tr><td>{@value #DELIVERED}</td><td>function counter</td><td>{@code metrics().totalDelivered()}</td></tr>
 *   <tr><td>{@value #FAILED}</td><td>function counter</td><td>{@code metrics().totalFailed()}</td></tr>
 *   <tr><td>{@value #IN_FLIGHT}</td><td>gauge</td><td>{@code metrics().inFlight()}: sent − delivered − failed</td></tr>
 *   <tr><td>{@value #ACTORS}</td><td>gauge</td><td>{@code registeredCount()}</td></tr>
 *   <tr><td>{@value #ROUTING_LATENCY}</td><td>time gauge</td><td>{@code metrics().avgRoutingLatencyNs()} (sampled mean)</td></tr>
 *   <tr><td>{@value #DEAD_LETTERS}</td><td>function counter, tag {@code reason} (lower case,
 *       one per {@link DeadLetterReason})</td><td>{@code deadLetters().countsByReason()}</td></tr>
 *   <tr><td>{@value #DEAD_LETTERS_QUEUED}</td><td>gauge</td><td>{@code deadLetters().size()}</td></tr>
 *   <tr><td>{@value #DEAD_LETTERS_DISCARDED}</td><td>function counter</td><td>{@code deadLetters().evictedCount()}:
 *       dead letters pushed out of the full queue</td></tr>
 * </table>
 *
 * <p>The meters hold the broker weakly, as Micrometer's function-based meters do: once the
 * broker is garbage they report {@code NaN}.
 */
public final class BrokerMeterBinder implements MeterBinder {

    /** Function counter: messages addressed to an actor. */
    public static final String SENT = "airssys.broker.sent";
    /** Function counter: messages processed and answered. */
    public static final String DELIVERED = "airssys.broker.delivered";
    /** Function counter: messages whose sender got an error. */
    public static final String FAILED = "airssys.broker.failed";
    /** Gauge: messages sent but not yet delivered or failed. */
    public static final String IN_FLIGHT = "airssys.broker.in.flight";
    /** Gauge: registered actors. */
    public static final String ACTORS = "airssys.broker.actors";
    /** Time gauge: the sampled mean routing latency. */
    public static final String ROUTING_LATENCY = "airssys.broker.routing.latency";
    /** Function counter, tag {@code reason}: dead letters offered, by reason. */
    public static final String DEAD_LETTERS = "airssys.broker.dead.letters";
    /** Gauge: dead letters currently held in the queue. */
    public static final String DEAD_LETTERS_QUEUED = "airssys.broker.dead.letters.queued";
    /** Function counter: dead letters the full queue discarded to make room. */
    public static final String DEAD_LETTERS_DISCARDED = "airssys.broker.dead.letters.discarded";

    /** Tag: the dead letter reason, {@link DeadLetterReason#name()} in lower case. */
    public static final String TAG_REASON = "reason";

    private final BrokerNode broker;
    private final Tags tags;

    /**
     * Binds {@code broker}'s meters without extra tags.
     *
     * @param broker the broker (an {@code ActorSystem}'s is {@code system.broker()})
     */
    public BrokerMeterBinder(BrokerNode broker) {
        this(broker, Tags.empty());
    }

    /**
     * Binds {@code broker}'s meters with extra tags on each (to tell several brokers apart).
     *
     * @param broker the broker
     * @param tags   added to every meter
     */
    public BrokerMeterBinder(BrokerNode broker, Iterable<Tag> tags) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /**
     * Registers the meters listed above.
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder(SENT, broker, b -> b.metrics().totalSent())
                .description("Messages addressed to an actor (a broadcast to n actors counts n)")
                .tags(tags).register(registry);
        FunctionCounter.builder(DELIVERED, broker, b -> b.metrics().totalDelivered())
                .description("Messages processed and answered successfully")
                .tags(tags).register(registry);
        FunctionCounter.builder(FAILED, broker, b -> b.metrics().totalFailed())
                .description("Messages whose sender got an error")
                .tags(tags).register(registry);
        Gauge.builder(IN_FLIGHT, broker, b -> b.metrics().inFlight())
                .description("Messages sent but not yet delivered or failed")
                .tags(tags).register(registry);
        Gauge.builder(ACTORS, broker, BrokerNode::registeredCount)
                .description("Actors registered with the broker")
                .tags(tags).register(registry);
        TimeGauge.builder(ROUTING_LATENCY, broker, TimeUnit.NANOSECONDS, b -> b.metrics().avgRoutingLatencyNs())
                .description("Mean routing time (lookup and enqueue) of the last 64 sampled sends")
                .tags(tags).register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            FunctionCounter.builder(DEAD_LETTERS, broker, b -> deadLetters(b, reason))
                    .description("Dead letters offered to the broker's dead letter queue, by reason")
                    .tags(tags)
                    .tag(TAG_REASON, reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder(DEAD_LETTERS_QUEUED, broker, b -> b.deadLetters().size())
                .description("Dead letters held in the dead letter queue")
                .tags(tags).register(registry);
        FunctionCounter.builder(DEAD_LETTERS_DISCARDED, broker, b -> b.deadLetters().evictedCount())
                .description("Dead letters the full dead letter queue discarded to make room")
                .tags(tags).register(registry);
    }

    private static double deadLetters(BrokerNode broker, DeadLetterReason reason) {
        Long n = broker.deadLetters().countsByReason().get(reason);
        return n == null ? 0 : n;
    }
}
