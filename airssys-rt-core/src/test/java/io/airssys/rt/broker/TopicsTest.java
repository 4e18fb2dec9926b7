package io.airssys.rt.broker;

import io.airssys.rt.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "orders.eu.created", "a.*", "*", ">", "a.>", "*.b.>", "a-b_c.d1", "ünïcode.tópic"})
    void validPatterns(String pattern) {
        assertThat(Topics.checkPattern(pattern)).isEqualTo(pattern);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|it is empty",
            "a..b|token 2 is empty",
            ".a|token 1 is empty",
            "a.|token 2 is empty",
            "a b|whitespace",
            "a.>.b|'>' must be the last token",
            "a*.b|wildcards must be whole tokens",
            "a.b>|wildcards must be whole tokens"})
    void invalidPatternsAreRejectedSayingWhy(String pattern, String why) {
        assertThatThrownBy(() -> Topics.checkPattern(pattern))
                .isInstanceOfSatisfying(InvalidTopicException.class, e -> assertThat(e.topic()).isEqualTo(pattern))
                .hasMessageContaining(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.*", "*", ">", "a.>"})
    void concreteTopicsRefuseWildcards(String topic) {
        assertThatThrownBy(() -> Topics.checkConcrete(topic)).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("where a concrete topic is needed");
        assertThatThrownBy(() -> RoutingKey.of(topic)).isInstanceOf(InvalidTopicException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "a.*.c, a.b.c, true", "a.*.c, a.b.b.c, false", "a.>, a.b.c, true", "a.>, a, false",
            "*, a, true", "*, a.b, false", "a.b, a.b, true", "a.b, a.c, false", ">, x.y, true"})
    void matches(String pattern, String topic, boolean expected) {
        assertThat(Topics.matches(pattern, topic)).isEqualTo(expected);
    }

    @Test
    void overlongTopicsAreRejected() {
        assertThatThrownBy(() -> Topics.checkConcrete("a".repeat(Topics.MAX_LENGTH + 1)))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("more than");
    }

    /** The API's rule for every {@code null}: a NullPointerException naming the parameter. */
    @Test
    void nullTopicsAndPatternsThrowNullPointerExceptionNamingTheParameter() {
        assertThatThrownBy(() -> Topics.checkConcrete(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("topic");
        assertThatThrownBy(() -> Topics.checkPattern(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("pattern");
        assertThatThrownBy(() -> Topics.matches(null, "a"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("pattern");
        assertThatThrownBy(() -> Topics.matches("a", null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("topic");
        assertThatThrownBy(() -> new RoutingKey(null, Priority.NORMAL))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("topic");
        assertThatThrownBy(() -> RoutingKey.of(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("topic");
        assertThatThrownBy(() -> new RoutingKey("a", null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("priority");
    }
}
