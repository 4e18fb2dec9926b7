package io.airssys.rt.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An actor left the broker: unregistered, stopped itself, or the broker closed. */
@Name(FlightRecorderInstrumentation.ACTOR_UNREGISTERED)
@Label("Actor Unregistered")
@Category("airssys-rt")
@Description("An actor left the broker: unregistered, stopped itself, or the broker closed")
@StackTrace(false)
final class ActorUnregisteredEvent extends Event {

    @Label("Actor")
    @Description("The actor's id")
    String actor;
}
