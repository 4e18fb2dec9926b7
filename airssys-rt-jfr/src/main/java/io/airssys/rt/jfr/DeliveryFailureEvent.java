package io.airssys.rt.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A message whose outcome was anything but {@code REPLIED}: an instant event where it was retired. */
@Name(FlightRecorderInstrumentation.DELIVERY_FAILURE)
@Label("Delivery Failure")
@Category("airssys-rt")
@Description("A message that did not end in a reply: its handler failed, its sender gave up, or it became a dead letter")
@StackTrace(false)
final class DeliveryFailureEvent extends Event {

    @Label("Outcome")
    @Description("How the message ended (Outcome.tag(): handler_failed, abandoned, mailbox_full, timed_out, ...)")
    String outcome;

    @Label("Processed")
    @Description("Whether the actor's handler ran (handler_failed, abandoned) rather than the message dying unprocessed")
    boolean processed;

    @Label("Message Type")
    @Description("The class of the message")
    Class<?> messageType;

    @Label("Error Type")
    @Description("The class of the error its sender saw")
    Class<?> errorType;

    @Label("Error")
    @Description("The message of the error its sender saw")
    String error;
}
