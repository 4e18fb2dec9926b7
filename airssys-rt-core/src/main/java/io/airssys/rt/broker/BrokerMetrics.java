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
 * @param registeredActors     actors registered when the snapshot was taken
 * @param totalSent            messages addressed to an actor since the broker was created
 * @param totalDelivered       messages processed and answered successfully
 * @param totalFailed          messages whose sender got an error
 * @param avgRoutingLatencyNs  mean time from a send call to its message being enqueued, sampled
 *                             on one send in 64 (0 until a sample exists)
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
