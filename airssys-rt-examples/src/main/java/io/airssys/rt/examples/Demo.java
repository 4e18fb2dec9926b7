package io.airssys.rt.examples;

import java.io.PrintStream;

/**
 * The main job: runs every example of the broker API reference on the embedded broker and
 * prints what each one did.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs all examples.
     *
     * @param out where they print
     * @throws Exception if an example fails
     */
    public static void run(PrintStream out) throws Exception {
        section(out, "Request-response (send, GetBalance / GetUserName)");
        RequestResponseExample.run(out);
        section(out, "Fire-and-forget (try_send, LogEvent / LogMessage)");
        FireAndForgetExample.run(out);
        section(out, "Broadcast (Shutdown with failures, UserCreated publish)");
        BroadcastShutdownExample.run(out);
        section(out, "Filtered broadcast (WorkItem to IDs 100-199)");
        FilteredBroadcastExample.run(out);
        section(out, "Constructors, registration and queries");
        QueriesExample.run(out);
        section(out, "Error handling (BrokerError, SendError)");
        ErrorHandlingExample.run(out);
        section(out, "Metrics");
        MetricsExample.run(out);
        section(out, "Observability: Micrometer meters and observations across a nested ask");
        ObservabilityExample.run(out);
        section(out, "Observability: JDK Flight Recorder events");
        FlightRecorderExample.run(out);
        section(out, "A sealed protocol with an exhaustive switch");
        SealedProtocolExample.run(out);
        section(out, "Custom routing: topics, publish, sendWithRouting");
        TopicRoutingExample.run(out);
        section(out, "Message priorities and mailbox overflow strategies");
        PriorityAndOverflowExample.run(out);
        section(out, "Dead letter queue");
        DeadLetterExample.run(out);
        section(out, "Send options: timeout, priority and headers in one value");
        SendOptionsExample.run(out);
        section(out, "Per-actor state that a restart resets (Behaviors.withState)");
        StatefulActorExample.run(out);
        section(out, "Typed references: ActorRef<P> checked by the compiler");
        TypedRefExample.run(out);
        section(out, "What crosses between JVMs: the codec SPI and typed errors as data");
        CodecExample.run(out);
        section(out, "DistributedMessageBroker: three nodes on a local NATS cluster");
        DistributedExample.run(out);
    }

    private static void section(PrintStream out, String title) {
        out.println();
        out.println("== " + title);
    }

    /**
     * Runs all examples on standard output.
     *
     * @param args ignored
     * @throws Exception if an example fails
     */
    public static void main(String[] args) throws Exception {
        System.out.println("airssys-rt demo: every example of the broker API reference, on InMemoryMessageBroker");
        run(System.out);
    }
}
