package io.airssys.rt.mailbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One rule for a mailbox's capacity, the same in {@link Mailbox#bounded} and the builder: a
 * bound is 1 to {@link Mailbox#MAX_CAPACITY}; {@link Mailbox#UNBOUNDED} (Integer.MAX_VALUE) is
 * not a bound, it is what {@link Mailbox#unbounded()} reports. Anything else is an
 * IllegalArgumentException naming the value, never a mailbox that silently is not bounded.
 */
class MailboxCapacityTest {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void boundedRefusesACapacityOutsideOneToMaxCapacityNamingIt(int capacity) {
        assertThatThrownBy(() -> Mailbox.bounded(capacity))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mailbox capacity must be between 1 and " + Mailbox.MAX_CAPACITY)
                .hasMessageContaining("was " + capacity);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void theBuilderRefusesTheSameCapacitiesAtOnceNamingThem(int capacity) {
        assertThatThrownBy(() -> Mailbox.builder().capacity(capacity))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mailbox capacity must be between 1 and " + Mailbox.MAX_CAPACITY)
                .hasMessageContaining("was " + capacity);
    }

    @Test
    void theMaxValueMessageSaysItMeansUnbounded() {
        assertThatThrownBy(() -> Mailbox.bounded(Integer.MAX_VALUE))
                .hasMessageContaining("Mailbox.unbounded()");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 1000, Mailbox.MAX_CAPACITY})
    void everyAcceptedCapacityGivesABoundedMailbox(int capacity) {
        Mailbox<?> m = Mailbox.bounded(capacity);
        assertThat(m.isBounded()).isTrue();
        assertThat(m.capacity()).isEqualTo(capacity);

        Mailbox<?> built = Mailbox.builder().capacity(capacity).build();
        assertThat(built.isBounded()).isTrue();
        assertThat(built.capacity()).isEqualTo(capacity);
    }

    @ParameterizedTest
    @EnumSource(OverflowStrategy.class)
    void theLargestBoundTakesEveryOverflowStrategy(OverflowStrategy strategy) {
        Mailbox<?> m = Mailbox.builder().capacity(Mailbox.MAX_CAPACITY).overflow(strategy).build();
        assertThat(m.isBounded()).isTrue();
        assertThat(m.capacity()).isEqualTo(Mailbox.MAX_CAPACITY);
        assertThat(m.overflow()).isEqualTo(strategy);
    }

    @Test
    void unboundedMailboxesReportUnbounded() {
        assertThat(Mailbox.unbounded().isBounded()).isFalse();
        assertThat(Mailbox.unbounded().capacity()).isEqualTo(Mailbox.UNBOUNDED);
        Mailbox<?> built = Mailbox.builder().build();
        assertThat(built.isBounded()).isFalse();
        assertThat(built.capacity()).isEqualTo(Mailbox.UNBOUNDED);
        assertThat(built.overflow()).isEqualTo(OverflowStrategy.FAIL);
    }

    @ParameterizedTest
    @EnumSource(value = OverflowStrategy.class, names = "FAIL", mode = EnumSource.Mode.EXCLUDE)
    void anOverflowStrategyOtherThanFailNeedsACapacity(OverflowStrategy strategy) {
        assertThatThrownBy(() -> Mailbox.builder().overflow(strategy).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(strategy.name())
                .hasMessageContaining("set capacity(n) too");
    }
}
