package io.airssys.rt.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An actor was registered with the broker. */
@Name(FlightRecorderInstrumentation.ACTOR_REGISTERED)
@Label("Actor Registered")
@Category("airssys-rt")
@Description("An actor was registered with the broker")
@StackTrace(false)
final class ActorRegisteredEvent extends Event {

    @Label("Actor")
    @Description("The actor's id")
    String actor;
}
