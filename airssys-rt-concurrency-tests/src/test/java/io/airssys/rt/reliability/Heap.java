package io.airssys.rt.reliability;

import java.lang.management.ManagementFactory;

/** Used heap after full collections, for tests that check the heap does not grow. */
final class Heap {

    private Heap() {
    }

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
