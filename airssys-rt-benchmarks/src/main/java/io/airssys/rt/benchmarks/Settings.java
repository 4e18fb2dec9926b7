package io.airssys.rt.benchmarks;

import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.InMemoryMessageBroker;

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
 */
public final class Settings {

    /** Name of the default setting. */
    public static final String DEFAULT = "default";
    /** Name of the low-latency setting. */
    public static final String LOW_LATENCY = "low-latency";

    private Settings() {
    }

    /**
     * Creates an actor system in a named setting.
     *
     * @param setting {@link #DEFAULT} or {@link #LOW_LATENCY}
     * @return a new system
     */
    public static ActorSystem system(String setting) {
        return switch (setting) {
            case DEFAULT -> ActorSystem.create();
            case LOW_LATENCY -> ActorSystem.builder()
                    .broker(InMemoryMessageBroker.builder()
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
