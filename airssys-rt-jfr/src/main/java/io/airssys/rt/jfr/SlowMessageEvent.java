package io.airssys.rt.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * One message whose handler ran at least the threshold: a duration event from the handler's
 * start to its end, on the actor's thread.
 *
 * <p>Only {@link #queued} is set at the start (a long, no allocation); the other fields are
 * filled after {@link #shouldCommit()} said the event will be written, so a fast message builds
 * no string.
 */
@Name(FlightRecorderInstrumentation.SLOW_MESSAGE)
@Label("Slow Message")
@Category("airssys-rt")
@Description("An actor's handler that ran at least the threshold (default 10 ms)")
@Threshold("10 ms")
@StackTrace(false)
final class SlowMessageEvent extends Event {

    /**
     * Asked whether the event type is enabled: {@link #isEnabled()} reads the state of the event
     * type, never of the instance, so one shared instance answers for every thread without an
     * allocation per message.
     */
    private static final SlowMessageEvent PROBE = new SlowMessageEvent();

    @Label("Actor")
    @Description("The actor that processed the message")
    String actor;

    @Label("Message Type")
    @Description("The class of the message")
    Class<?> messageType;

    @Label("Queued")
    @Description("How long the message waited between its send and the start of its handler")
    @Timespan(Timespan.NANOSECONDS)
    long queued;

    @Label("Failed")
    @Description("Whether the handler threw")
    boolean failed;

    @Label("Failure Type")
    @Description("The class of what the handler threw, if it threw")
    Class<?> failureType;

    /**
     * Returns whether any recording has this event type enabled.
     *
     * @return {@code false} when no recording runs or none enables it
     */
    static boolean enabled() {
        return PROBE.isEnabled();
    }
}
