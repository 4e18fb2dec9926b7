package io.airssys.rt.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A snapshot of one broker's counters ({@code BrokerNode.metrics()}), written every period. */
@Name(FlightRecorderInstrumentation.BROKER_STATISTICS)
@Label("Broker Statistics")
@Category("airssys-rt")
@Description("A broker's counters, written every period (default 1 s)")
@Period("1 s")
@StackTrace(false)
final class BrokerStatisticsEvent extends Event {

    @Label("Broker")
    @Description("The name the broker's statistics were recorded under")
    String broker;

    @Label("Registered Actors")
    @Description("Actors registered when the snapshot was taken")
    int registeredActors;

    @Label("Sent")
    @Description("Messages addressed to an actor since the broker was created")
    long sent;

    @Label("Delivered")
    @Description("Messages processed and answered successfully")
    long delivered;

    @Label("Failed")
    @Description("Messages whose sender got an error")
    long failed;

    @Label("In Flight")
    @Description("Messages sent but not yet delivered or failed")
    long inFlight;

    @Label("Dead Letters")
    @Description("Dead letters ever offered to the broker's dead letter queue")
    long deadLetters;

    @Label("Routing Latency")
    @Description("Mean routing time of the last sampled sends")
    @Timespan(Timespan.NANOSECONDS)
    long avgRoutingLatency;
}
