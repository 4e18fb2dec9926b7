package io.airssys.rt.broker;

/**
 * A snapshot of a broker's counters (spec: {@code BrokerMetrics}).
 *
 * <p>Every message addressed to one actor counts once in {@code totalSent} (a broadcast to
 * ten actors counts ten) and, once its outcome is known, once in either {@code totalDelivered}
 * (the actor processed it and the sender got its result) or {@code totalFailed} (not found,
 * stopped, mailbox full, timed out, cancelled, the handler threw, or no handler for its type).
 * So when no message is in flight, {@code totalSent == totalDelivered + totalFailed}.
 *
 * <p>{@code avgRoutingLatencyNs} is the routing step of one {@code send}, {@code trySend} or
 * {@code sendWithPriority} to an actor id: from the call's routing-table lookup to its message
 * being in the actor's mailbox: the lookup plus the enqueue, the step the spec's "~50 ns
 * routing" means. Scheduling the message's timeout and handing an idle actor to the executor
 * (which may wake a thread) are left out. It is sampled (every send among the first 64, then one send in 64, so unsampled sends pay
 * nothing) and reported as the mean of the last 64 samples, not over the broker's lifetime: a
 * slow start-up sample (the first {@code send} starts the timer thread) leaves the figure once
 * 64 later samples have come. Refused sends, broadcasts, publishes and routed sends are not
 * sampled.
 *
 * @param registeredActors     actors registered when the snapshot was taken
 * @param totalSent            messages addressed to an actor since the broker was created
 * @param totalDelivered       messages processed and answered successfully
 * @param totalFailed          messages whose sender got an error
 * @param avgRoutingLatencyNs  mean routing time, in nanoseconds, of the last 64 sampled sends
 *                             (see above; 0 until a sample exists)
 */
public record BrokerMetrics(int registeredActors, long totalSent, long totalDelivered, long totalFailed,
                            long avgRoutingLatencyNs) {

    /**
     * Returns messages still in flight: sent but not yet delivered or failed.
     *
     * @return {@code totalSent - totalDelivered - totalFailed}
     */
    public long inFlight() {
        return totalSent - totalDelivered - totalFailed;
    }

    /**
     * Returns the share of sent messages that were delivered, in percent.
     *
     * @return {@code 100 * totalDelivered / totalSent}, or 100 when nothing was sent
     */
    public double successRatePercent() {
        return totalSent == 0 ? 100.0 : 100.0 * totalDelivered / totalSent;
    }
}
