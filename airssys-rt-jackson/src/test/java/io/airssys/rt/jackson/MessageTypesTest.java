package io.airssys.rt.jackson;

import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.DeliveryFailure;
import io.airssys.rt.spi.MessageTypes;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The allow-list of the codec SPI (core's {@link MessageTypes}), tested where its first codec lives. */
class MessageTypesTest {

    record GetBalance() { }

    record Deposit(String account, long amount) { }

    enum Level {
        LOW,
        HIGH {
            @Override
            public String toString() {
                return "high";
            }
        }
    }

    static class Parent { }

    static final class Child extends Parent { }

    @Test
    void theBuiltInNamesComeFirstAndStayInPlace() {
        MessageTypes types = MessageTypes.builder().add("bank.GetBalance", GetBalance.class).build();
        assertThat(types.asMap()).containsExactly(
                Map.entry(MessageTypes.NULL, Void.class),
                Map.entry("string", String.class),
                Map.entry("boolean", Boolean.class),
                Map.entry("int", Integer.class),
                Map.entry("long", Long.class),
                Map.entry("double", Double.class),
                Map.entry(MessageTypes.FAILURE, DeliveryFailure.class),
                Map.entry("bank.GetBalance", GetBalance.class));
        assertThat(types.nameOf(null)).isEqualTo(MessageTypes.NULL); // the literal picks the Object overload
        assertThat(types.typeOf(MessageTypes.NULL)).isEqualTo(Void.class);
        assertThat(types.nameOf(42L)).isEqualTo("long");
        assertThat(types.nameOfType(DeliveryFailure.class)).isEqualTo(MessageTypes.FAILURE);
        assertThatThrownBy(() -> types.asMap().put("x", Object.class)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void namesAndTypesMapBothWaysInTheOrderAdded() {
        MessageTypes types = MessageTypes.builder()
                .add("bank.Deposit", Deposit.class)
                .add("bank.GetBalance", GetBalance.class)
                .build();
        assertThat(types.nameOf(new Deposit("a", 1))).isEqualTo("bank.Deposit");
        assertThat(types.typeOf("bank.GetBalance")).isEqualTo(GetBalance.class);
        assertThat(types.contains(Deposit.class)).isTrue();
        assertThat(types.contains(Parent.class)).isFalse();
        assertThat(List.copyOf(types.asMap().keySet()).subList(7, 9)).containsExactly("bank.Deposit", "bank.GetBalance");
    }

    @Test
    void anUnknownClassOrNameIsUnknownTypeNamingItAndSayingWhatToDo() {
        MessageTypes types = MessageTypes.builder().add("p.Parent", Parent.class).build();
        CodecException byClass = catchThrowableOfType(CodecException.class, () -> types.nameOf(new Child()));
        assertThat(byClass.reason()).isEqualTo(CodecException.Reason.UNKNOWN_TYPE);
        assertThat(byClass.typeName()).isEqualTo(Child.class.getName());
        assertThat(byClass.getMessage()).contains(Child.class.getName(), "MessageTypes.builder().add(");
        CodecException byName = catchThrowableOfType(CodecException.class, () -> types.typeOf("p.Child"));
        assertThat(byName.reason()).isEqualTo(CodecException.Reason.UNKNOWN_TYPE);
        assertThat(byName.typeName()).isEqualTo("p.Child");
        assertThat(byName.getMessage()).contains("'p.Child'");
    }

    @Test
    void malformedNamesAndUnfitTypesAreRejected() {
        for (String bad : List.of("", ".starts.with.dot", "has space", "slash/name", "\u00e9t\u00e9", "x".repeat(129))) {
            assertThatThrownBy(() -> MessageTypes.builder().add(bad, Deposit.class))
                    .as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(MessageTypes.builder().add("x".repeat(MessageTypes.MAX_NAME_LENGTH), Deposit.class).build()
                .nameOfType(Deposit.class)).hasSize(MessageTypes.MAX_NAME_LENGTH);
        assertThat(MessageTypes.builder().add("a-b_c.d$e9", Deposit.class).build().typeOf("a-b_c.d$e9"))
                .isEqualTo(Deposit.class);
        for (Class<?> unfit : List.of(int.class, Serializable.class, AbstractList.class, String[].class)) {
            assertThatThrownBy(() -> MessageTypes.builder().add("t", unfit))
                    .as("%s", unfit).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(unfit.getName());
        }
        assertThatThrownBy(() -> MessageTypes.builder().add(null, Deposit.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MessageTypes.builder().add("t", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void eachNameMeansOneTypeAndBack() {
        assertThatThrownBy(() -> MessageTypes.builder().add("a", Deposit.class).add("a", GetBalance.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> MessageTypes.builder().add("a", Deposit.class).add("b", Deposit.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Deposit.class.getName());
        assertThatThrownBy(() -> MessageTypes.builder().add("string", Deposit.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'string'");
        assertThatThrownBy(() -> MessageTypes.builder().add("text", String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'string'");
    }

    @Test
    void aBuiltAllowListDoesNotSeeLaterAdditionsToItsBuilder() {
        MessageTypes.Builder builder = MessageTypes.builder().add("bank.Deposit", Deposit.class);
        MessageTypes first = builder.build();
        builder.add("bank.GetBalance", GetBalance.class);
        assertThat(first.contains(GetBalance.class)).isFalse();
        assertThat(builder.build().contains(GetBalance.class)).isTrue();
    }

    @Test
    void anEnumConstantWithABodyHasItsEnumsName() {
        MessageTypes types = MessageTypes.builder().add("levels.Level", Level.class).build();

        assertThat(Level.HIGH.getClass()).isNotEqualTo(Level.class); // the anonymous subclass
        assertThat(types.nameOf(Level.HIGH)).isEqualTo("levels.Level");
        assertThat(types.nameOf(Level.LOW)).isEqualTo("levels.Level");
    }
}
