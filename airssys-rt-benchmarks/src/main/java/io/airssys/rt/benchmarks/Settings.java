package io.airssys.rt.benchmarks;

import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.instrument.Instrumentation;

import java.time.Duration;

/**
 * The two airssys-rt configurations every figure is reported for.
 *
 * <ul>
 *   <li><b>default</b>: {@code ActorSystem.create()}: a ForkJoinPool with one thread per core,
 *       30 s default timeout (one timer per request), 20 µs caller spin.</li>
 *   <li><b>low-latency</b>: one dispatcher thread that spins 50 µs before parking, callers that
 *       spin 50 µs, no default timeout. One spinning dispatcher plus one caller = the 2 cores.</li>
 * </ul>
 *
 * <p>The throughput and round-trip benchmarks also run with a no-op {@code Instrumentation}
 * installed ({@link #NO_OP}), to show what the hooks cost when someone installs them and that a
 * broker without one ({@link #NONE}) pays nothing measurable.
 */
public final class Settings {

    /** Name of the default setting. */
    public static final String DEFAULT = "default";
    /** Name of the low-latency setting. */
    public static final String LOW_LATENCY = "low-latency";

    private Settings() {
    }

    /** Name of the instrumentation variant with none installed (every other figure's). */
    public static final String NONE = "none";
    /** Name of the variant with an instrumentation installed whose hooks do nothing: what calling them costs. */
    public static final String NO_OP = "noop";

    /** An instrumentation whose every hook is the interface's empty default. */
    private static final Instrumentation NOTHING = new Instrumentation() {
    };

    /**
     * Creates an actor system in a named setting, without instrumentation.
     *
     * @param setting {@link #DEFAULT} or {@link #LOW_LATENCY}
     * @return a new system
     */
    public static ActorSystem system(String setting) {
        return system(setting, NONE);
    }

    /**
     * Creates an actor system in a named setting and instrumentation variant.
     *
     * @param setting         {@link #DEFAULT} or {@link #LOW_LATENCY}
     * @param instrumentation {@link #NONE} or {@link #NO_OP}
     * @return a new system
     */
    public static ActorSystem system(String setting, String instrumentation) {
        InMemoryMessageBroker.Builder broker = InMemoryMessageBroker.builder();
        switch (instrumentation) {
            case NONE -> { }
            case NO_OP -> broker.instrumentation(NOTHING);
            default -> throw new IllegalArgumentException("unknown instrumentation " + instrumentation);
        }
        return switch (setting) {
            case DEFAULT -> ActorSystem.builder().broker(broker.build()).build(); // = ActorSystem.create()
            case LOW_LATENCY -> ActorSystem.builder()
                    .broker(broker
                            .noDefaultTimeout()
                            .joinSpin(Duration.ofNanos(50_000))
                            .build())
                    .threads(1)
                    .spinningDispatcher(Duration.ofNanos(50_000))
                    .build();
            default -> throw new IllegalArgumentException("unknown setting " + setting);
        };
    }
}
