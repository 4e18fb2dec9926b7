package io.airssys.rt.jackson;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.MessageTypes;
import io.airssys.rt.testkit.codec.MessageCodecContract.Deposit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.airssys.rt.testkit.codec.MessageCodecContract.assertCodecFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the JSON codec does beyond the codec contract: its JSON, its strictness, its safety, its limits. */
class JacksonMessageCodecTest {

    /**
     * A component whose declared type is {@code Object}.
     *
     * @param payload anything
     */
    public record Envelope(Object payload) { }

    /**
     * A component that asks for type ids from the payload.
     *
     * @param payload anything, with its class named in the JSON
     */
    public record Typed(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object payload) { }

    /** A base type of our own, which Jackson's default validator would not distrust. */
    public interface Gift { }

    /**
     * A gift.
     *
     * @param to its receiver
     */
    public record Flowers(String to) implements Gift { }

    /**
     * A component that asks for the class of a subtype of our own from the payload.
     *
     * @param gift a gift, with its class named in the JSON
     */
    public record Wrapped(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Gift gift) { }

    /**
     * An accessor that throws.
     *
     * @param text ignored
     */
    public record Exploding(String text) {
        /**
         * Throws.
         *
         * @return never
         */
        @Override
        public String text() {
            throw new IllegalStateException("accessor failed");
        }
    }

    /**
     * A list that may contain itself.
     *
     * @param items the items
     */
    public record Holder(List<Object> items) { }

    /** A registered class in which Jackson sees no property. */
    public static final class Opaque {
        @SuppressWarnings("unused")
        private final String secret = "state Jackson cannot see";
    }

    /**
     * A string, for size tests.
     *
     * @param text the text
     */
    public record Blob(String text) { }

    private static final MessageTypes TYPES = MessageTypes.builder()
            .add("bank.Deposit", Deposit.class)
            .add("test.Envelope", Envelope.class)
            .add("test.Typed", Typed.class)
            .add("test.Wrapped", Wrapped.class)
            .add("test.Exploding", Exploding.class)
            .add("test.Holder", Holder.class)
            .add("test.Opaque", Opaque.class)
            .add("test.Blob", Blob.class)
            .build();

    private final JacksonMessageCodec codec = JacksonMessageCodec.of(TYPES);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ the JSON

    @Test
    void aRecordIsItsComponentsAsAJsonObjectWithoutAnyTypeInformation() {
        assertThat(new String(codec.encode(new Deposit("acc-1", 5)), StandardCharsets.UTF_8))
                .isEqualTo("{\"account\":\"acc-1\",\"amount\":5}");
        assertThat(new String(codec.encode(null), StandardCharsets.UTF_8)).isEqualTo("null");
        assertThat(new String(codec.encode(Double.NaN), StandardCharsets.UTF_8)).isEqualTo("\"NaN\"");
    }

    @Test
    void jsonWrittenByHandDecodesWhenItFitsExactly() {
        assertThat(codec.decode("bank.Deposit", utf8(" {\"amount\": 7, \"account\": \"b\"} ")))
                .isEqualTo(new Deposit("b", 7));
        assertThat(codec.decode("double", utf8("3"))).isEqualTo(3.0);
        assertThat(codec.decode(MessageTypes.NULL, utf8(" null "))).isNull();
    }

    // ------------------------------------------------------------------ strictness

    @Test
    void anUnknownPropertyIsDecodeFailedNamingIt() {
        CodecException e = assertCodecFailure(() -> codec.decode("bank.Deposit", utf8("{\"account\":\"a\",\"amount\":1,\"extra\":2}")),
                CodecException.Reason.DECODE_FAILED, "bank.Deposit");
        assertThat(e.getMessage()).contains("extra");
    }

    @Test
    void aMissingOrNullComponentIsDecodeFailed() {
        CodecException missing = assertCodecFailure(() -> codec.decode("bank.Deposit", utf8("{\"account\":\"a\"}")),
                CodecException.Reason.DECODE_FAILED, "bank.Deposit");
        assertThat(missing.getMessage()).contains("amount");
        assertCodecFailure(() -> codec.decode("bank.Deposit", utf8("{}")), CodecException.Reason.DECODE_FAILED, "bank.Deposit");
        assertCodecFailure(() -> codec.decode("bank.Deposit", utf8("{\"account\":\"a\",\"amount\":null}")),
                CodecException.Reason.DECODE_FAILED, "bank.Deposit");
    }

    @Test
    void shapesAreNotCoerced() {
        for (String json : List.of("{\"account\":\"a\",\"amount\":\"1\"}", "{\"account\":\"a\",\"amount\":1.5}",
                "{\"account\":1,\"amount\":1}", "{\"account\":true,\"amount\":1}", "{\"account\":\"a\",\"amount\":true}",
                "[\"a\",1]", "\"a\"")) {
            assertCodecFailure(() -> codec.decode("bank.Deposit", utf8(json)), CodecException.Reason.DECODE_FAILED, "bank.Deposit");
        }
        assertCodecFailure(() -> codec.decode("string", utf8("5")), CodecException.Reason.DECODE_FAILED, "string");
        assertCodecFailure(() -> codec.decode("string", utf8("true")), CodecException.Reason.DECODE_FAILED, "string");
        assertCodecFailure(() -> codec.decode("string", utf8("null")), CodecException.Reason.DECODE_FAILED, "string");
        assertCodecFailure(() -> codec.decode("string", codec.encode(new Deposit("a", 1))), CodecException.Reason.DECODE_FAILED,
                "string");
        assertCodecFailure(() -> codec.decode("long", utf8("\"5\"")), CodecException.Reason.DECODE_FAILED, "long");
        assertCodecFailure(() -> codec.decode("boolean", utf8("1")), CodecException.Reason.DECODE_FAILED, "boolean");
        assertCodecFailure(() -> codec.decode("int", utf8("2147483648")), CodecException.Reason.DECODE_FAILED, "int");
    }

    @Test
    void duplicateKeysAndTrailingContentAreDecodeFailed() {
        assertCodecFailure(() -> codec.decode("bank.Deposit", utf8("{\"account\":\"a\",\"amount\":1,\"amount\":2}")),
                CodecException.Reason.DECODE_FAILED, "bank.Deposit");
        assertCodecFailure(() -> codec.decode("bank.Deposit", utf8("{\"account\":\"a\",\"amount\":1} {}")),
                CodecException.Reason.DECODE_FAILED, "bank.Deposit");
        assertCodecFailure(() -> codec.decode(MessageTypes.NULL, utf8("null null")), CodecException.Reason.DECODE_FAILED,
                MessageTypes.NULL);
        assertCodecFailure(() -> codec.decode(MessageTypes.NULL, new byte[0]), CodecException.Reason.DECODE_FAILED,
                MessageTypes.NULL);
    }

    @Test
    void aDeliveryFailureWithoutItsCodeIsDecodeFailed() {
        assertCodecFailure(() -> codec.decode(MessageTypes.FAILURE, utf8("{\"code\":null,\"actorId\":null,\"messageType\":null,"
                        + "\"detail\":null,\"causeClassName\":null,\"causeMessage\":null}")),
                CodecException.Reason.DECODE_FAILED, MessageTypes.FAILURE);
    }

    // ------------------------------------------------------------------ safety

    @Test
    void anObjectComponentDecodesAsPlainDataNeverAsANamedClass() {
        Object decoded = codec.decode("test.Envelope",
                utf8("{\"payload\":[\"java.net.URL\",\"http://example.invalid/\"]}"));
        assertThat(decoded).isEqualTo(new Envelope(List.of("java.net.URL", "http://example.invalid/")));
        Object map = codec.decode("test.Envelope", utf8("{\"payload\":{\"@class\":\"java.io.File\",\"path\":\"/\"}}"));
        assertThat(((Envelope) map).payload()).isInstanceOf(java.util.Map.class);
    }

    @Test
    void aTypeIdInThePayloadNeverPicksAClassEvenWhenTheTypeAsksForOne() {
        // a class that would decode: only the type validator stands between the payload and it
        String named = "{\"payload\":{\"@class\":\"" + Deposit.class.getName() + "\",\"account\":\"a\",\"amount\":1}}";
        CodecException e = assertCodecFailure(() -> codec.decode("test.Typed", utf8(named)),
                CodecException.Reason.DECODE_FAILED, "test.Typed");
        assertThat(e.getMessage()).containsIgnoringCase("type");
        String flowers = "{\"gift\":{\"@class\":\"" + Flowers.class.getName() + "\",\"to\":\"b\"}}";
        assertCodecFailure(() -> codec.decode("test.Wrapped", utf8(flowers)), CodecException.Reason.DECODE_FAILED, "test.Wrapped");
    }

    @Test
    void aCustomizerCannotTurnDefaultTypingOnOrLoosenDecoding() {
        JacksonMessageCodec loosened = JacksonMessageCodec.builder(TYPES)
                .customize(b -> b
                        .activateDefaultTyping(BasicPolymorphicTypeValidator.builder()
                                .allowIfBaseType(Object.class).build(), DefaultTyping.NON_FINAL)
                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
                .build();
        assertThat(new String(loosened.encode(new Envelope(new ArrayList<>(List.of("x")))), StandardCharsets.UTF_8))
                .isEqualTo("{\"payload\":[\"x\"]}");
        // the array Jackson's default typing would read as "class, value" stays plain data
        assertThat(loosened.decode("test.Envelope", utf8("{\"payload\":[\"java.util.Date\",0]}")))
                .isEqualTo(new Envelope(List.of("java.util.Date", 0)));
        assertCodecFailure(() -> loosened.decode("bank.Deposit", utf8("{\"account\":\"a\",\"amount\":1,\"extra\":2}")),
                CodecException.Reason.DECODE_FAILED, "bank.Deposit");
    }

    @Test
    void aCustomizerCannotLetAnAccessorsExceptionEscapeUnwrapped() {
        JacksonMessageCodec unwrapped = JacksonMessageCodec.builder(TYPES)
                .customize(b -> b.disable(SerializationFeature.WRAP_EXCEPTIONS)
                        .disable(DeserializationFeature.WRAP_EXCEPTIONS))
                .build();
        assertCodecFailure(() -> unwrapped.encode(new Exploding("x")), CodecException.Reason.ENCODE_FAILED,
                "test.Exploding");
        assertCodecFailure(() -> unwrapped.decode(MessageTypes.FAILURE, utf8("{\"code\":null,\"actorId\":null,"
                        + "\"messageType\":null,\"detail\":null,\"causeClassName\":null,\"causeMessage\":null}")),
                CodecException.Reason.DECODE_FAILED, MessageTypes.FAILURE);
    }

    @Test
    void aCustomizerCanChangeSettingsTheCodecLeavesOpen() {
        JacksonMessageCodec snake = JacksonMessageCodec.builder(MessageTypes.builder()
                        .add("test.CamelCase", CamelCase.class).build())
                .customize(b -> b.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
                .build();
        byte[] bytes = snake.encode(new CamelCase("x"));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"account_name\":\"x\"}");
        assertThat(snake.decode("test.CamelCase", bytes)).isEqualTo(new CamelCase("x"));
    }

    /**
     * A camel-case component.
     *
     * @param accountName a name
     */
    public record CamelCase(String accountName) { }

    // ------------------------------------------------------------------ encode failures

    @Test
    void aRegisteredValueJacksonCannotWriteIsEncodeFailed() {
        CodecException accessor = assertCodecFailure(() -> codec.encode(new Exploding("x")), CodecException.Reason.ENCODE_FAILED,
                "test.Exploding");
        assertThat(accessor).hasMessageContaining("accessor failed");

        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertCodecFailure(() -> codec.encode(new Holder(cycle)), CodecException.Reason.ENCODE_FAILED, "test.Holder");

        assertCodecFailure(() -> codec.encode(new Opaque()), CodecException.Reason.ENCODE_FAILED, "test.Opaque");
    }

    // ------------------------------------------------------------------ size

    @Test
    void anEncodingOverTheLimitIsTooLargeNamingTheSizeAndTheLimit() {
        JacksonMessageCodec limited = JacksonMessageCodec.builder(TYPES).maxEncodedBytes(100).build();
        String overhead = "{\"text\":\"\"}";
        String fits = "x".repeat(100 - overhead.length());
        assertThat(limited.encode(new Blob(fits))).hasSize(100);
        assertThat(limited.decode("test.Blob", limited.encode(new Blob(fits)))).isEqualTo(new Blob(fits));

        CodecException e = assertCodecFailure(() -> limited.encode(new Blob(fits + "y")), CodecException.Reason.TOO_LARGE,
                "test.Blob");
        assertThat(e.getMessage()).contains("101 bytes", "limit of 100 bytes");
        assertThat(limited.maxEncodedBytes()).isEqualTo(100);
        assertThat(codec.maxEncodedBytes()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void eachBuilderOptionIsSetOnceAndChecked() {
        assertThatThrownBy(() -> JacksonMessageCodec.builder(TYPES).maxEncodedBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> JacksonMessageCodec.builder(TYPES).maxEncodedBytes(10).maxEncodedBytes(20))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("10");
        assertThatThrownBy(() -> JacksonMessageCodec.builder(TYPES).customize(b -> { }).customize(b -> { }))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> JacksonMessageCodec.builder(null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * The codec's buffers come from Jackson's hybrid pool (thread-local on platform threads,
     * shared stripes on virtual ones): platform and virtual threads encoding and decoding at
     * once must never see each other's bytes.
     */
    @Test
    void platformAndVirtualThreadsEncodeAndDecodeAtOnceWithoutMixingTheirBytes() throws Exception {
        int perThread = 2_000;
        List<java.util.concurrent.Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            String owner = "t" + t + "-";
            tasks.add(() -> {
                int ok = 0;
                for (int i = 0; i < perThread; i++) {
                    Deposit d = new Deposit(owner + i + "-" + "x".repeat(i % 300), i);
                    byte[] bytes = codec.encode(d);
                    assertThat(new String(bytes, StandardCharsets.UTF_8))
                            .isEqualTo("{\"account\":\"" + d.account() + "\",\"amount\":" + i + "}");
                    assertThat(codec.decode("bank.Deposit", bytes)).isEqualTo(d);
                    ok++;
                }
                return ok;
            });
        }
        List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
        try (var platform = java.util.concurrent.Executors.newFixedThreadPool(4);
             var virtual = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < tasks.size(); t++) {
                done.add((t % 3 == 0 ? platform : virtual).submit(tasks.get(t)));
            }
            for (var f : done) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(perThread);
            }
        }
    }

    @Test
    void theCodecCarriesTheAllowListItWasGiven() {
        assertThat(codec.types()).isSameAs(TYPES);
        assertThat(codec.toString()).contains(String.valueOf(TYPES.asMap().size()));
    }
}
