package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Lincheck: the routing table's register, unregister, lookup, listing, count and send
 * (lookup, then enqueue into the mailbox found, which a concurrent unregister may have
 * closed) are linearizable: every concurrent history equals some sequential one. Checked by model checking
 * (systematic interleavings) and by stress.
 *
 * <p>The listing ({@code ids}: the registered ids in registration order, as {@code actorIds()}
 * and broadcast see them) and {@code size} are in the model too: both must agree with every
 * lookup (issue 8, item 14: a walk of the order links saw an id a lookup had not, and the
 * reverse; this test found it in both modes before {@code RoutingTable.snapshot()}).
 *
 * <p>The table is tested directly rather than through {@code InMemoryMessageBroker} because
 * Lincheck cannot snapshot records, which the broker's other parts use.
 */
@Param(name = "id", gen = LongGen.class, conf = "1:3")
public class RoutingLinearizabilityTest {

    private final RoutingTable table = new RoutingTable(0);

    /**
     * Registers a new idle mailbox.
     *
     * @param id actor id
     * @return whether it was inserted (false: id taken)
     */
    @Operation
    public boolean register(@Param(name = "id") long id) {
        return table.insert(id, new MpscMailbox<>(Integer.MAX_VALUE)) == RoutingTable.INSERTED;
    }

    /**
     * Unregisters and closes the mailbox, as the broker does.
     *
     * @param id actor id
     * @return whether something was registered
     */
    @Operation
    public boolean unregister(@Param(name = "id") long id) {
        MpscMailbox<?> removed = table.remove(id);
        if (removed == null) {
            return false;
        }
        removed.close(false);
        return true;
    }

    /**
     * Looks up.
     *
     * @param id actor id
     * @return whether registered
     */
    @Operation
    public boolean isRegistered(@Param(name = "id") long id) {
        return table.get(id) != null;
    }

    /**
     * Sends: look up, then enqueue; a mailbox closed in between counts as not found.
     *
     * @param id actor id
     * @return whether the message was accepted
     */
    @Operation
    public boolean send(@Param(name = "id") long id) {
        MpscMailbox<?> mb = table.get(id);
        return mb != null && mb.offer(Envelope.oneWay("m", Priority.NORMAL), true) == MpscMailbox.ACCEPTED;
    }

    /**
     * Lists the registered ids in registration order, as {@code actorIds()} and broadcast do.
     *
     * @return the ids, oldest registration first
     */
    @Operation
    public List<Long> ids() {
        List<Long> ids = new ArrayList<>();
        for (MpscMailbox<?> m : table.snapshot()) {
            ids.add(m.id);
        }
        return ids;
    }

    /**
     * Counts the registered mailboxes.
     *
     * @return the count
     */
    @Operation
    public int size() {
        return table.size();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(io.airssys.rt.reliability.ReliabilityProfile.scaled(15))
                .invocationsPerIteration(500).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(io.airssys.rt.reliability.ReliabilityProfile.scaled(30))
                .invocationsPerIteration(1_000).check(getClass());
    }
}
