package io.airssys.rt;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActorIdTest {

    @Test
    void generatedIdsStartAbove2To32AndNeverRepeat() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ActorId id = ActorId.newId();
            assertThat(id.asLong() & ((1L << 40) - 1)).isGreaterThanOrEqualTo(ActorId.FIRST_GENERATED);
            assertThat(seen.add(id.asLong())).isTrue();
        }
    }

    @Test
    void twoJvmsWithTheirOwnNodeNumbersNeverGenerateTheSameId() {
        int before = ActorId.currentNode();
        try {
            // One JVM plays both nodes: the same sequence under two node numbers must not meet.
            ActorId.useNode(1);
            ActorId a = ActorId.newId();
            ActorId.useNode(ActorId.MAX_NODE);
            ActorId b = ActorId.newId();
            assertThat(a.node()).isEqualTo(1);
            assertThat(b.node()).isEqualTo(ActorId.MAX_NODE);
            assertThat(a).isNotEqualTo(b);
            assertThat(b.asLong()).isPositive();
            long sequenceMask = (1L << 40) - 1;
            // same sequence slot, different nodes: distinct ids
            assertThat(ActorId.of((1L << 40) | (a.asLong() & sequenceMask)))
                    .isNotEqualTo(ActorId.of(((long) ActorId.MAX_NODE << 40) | (a.asLong() & sequenceMask)));
            assertThat(ActorId.of(42).node()).isZero();
        } finally {
            ActorId.useNode(before);
        }
    }

    @Test
    void aNodeNumberOutOfRangeIsRefused() {
        assertThatThrownBy(() -> ActorId.useNode(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> ActorId.useNode(ActorId.MAX_NODE + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(ActorId.MAX_NODE));
    }
}
