package io.airssys.rt.jackson;

import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.type.LogicalType;

import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The JSON {@link MessageCodec}, on Jackson 3: each value on the {@link MessageTypes} allow-list
 * becomes the JSON of exactly its registered class, and comes back as exactly that class.
 *
 * <h2>Why it is safe to decode bytes from the network</h2>
 * The class to build is chosen by the receiver, from the stable type name that travels beside
 * the bytes ({@link MessageTypes#typeOf(String)}), never from anything inside the payload:
 * <ul>
 *   <li>default typing is off (deactivated again after the caller's customizer, so it cannot be
 *       turned on), and the polymorphic type validator denies every base type, so a payload's
 *       {@code "@class"} or type id can never pick a class. A registered type that declares
 *       {@code @JsonTypeInfo} somewhere still encodes (with the type id) but never decodes
 *       ({@link CodecException.Reason#DECODE_FAILED}): give such a component a concrete type,
 *       or send each variant as its own registered type;</li>
 *   <li>Java serialization is never used;</li>
 *   <li>Jackson's stream read constraints (Jackson 3's defaults: nesting depth 500, strings of
 *       at most 100 million characters, numbers of at most 1000 digits) bound what a hostile
 *       payload can make the parser do; {@link Builder#maxEncodedBytes(int)} bounds what this
 *       node sends, and the transport bounds what it receives.</li>
 * </ul>
 *
 * <p>Jackson reads and writes a record through its canonical constructor and accessors: a
 * public record in an exported package needs nothing more; on the module path, a package with
 * non-public message types must be opened to {@code tools.jackson.databind}.
 *
 * <h2>What crosses</h2>
 * Records (or other classes Jackson can write and read without annotations) of strings,
 * numbers, booleans, enums, nested records, and lists, sets and maps of those, with declared
 * element types. A field of type {@code Object} decodes as plain JSON data (maps, lists,
 * strings, numbers), never as an arbitrary class. The built-in names of {@link MessageTypes}
 * (the scalar replies and {@link io.airssys.rt.spi.DeliveryFailure}) cross as their JSON; the
 * {@code null} reply ({@link MessageTypes#NULL}) is the four bytes {@code null}. Doubles keep
 * every value, including {@code NaN}, the infinities (as the JSON strings Jackson writes for
 * them) and {@code -0.0}.
 *
 * <h2>Strict decoding</h2>
 * Every node of a cluster registers the same names for the same classes, so bytes that do not
 * fit the named class exactly mean the nodes disagree (a class changed on one of them): that is
 * reported as {@link CodecException.Reason#DECODE_FAILED}, never silently patched up. So the
 * codec fails on
 * <ul>
 *   <li>unknown properties ({@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES}, which
 *       Jackson 3 turns off by default): a field the receiver does not know would otherwise be
 *       dropped without a word. To evolve a message, register the new shape under a new name
 *       (for example {@code "bank.Deposit.v2"}) and keep the old one until every node has it;</li>
 *   <li>missing record components ({@link DeserializationFeature#FAIL_ON_MISSING_CREATOR_PROPERTIES})
 *       and {@code null} for a primitive: the encoder always writes every component;</li>
 *   <li>coercions between JSON shapes (a string for a number, a number or boolean for a string,
 *       a fraction for an integer); an integer for a floating-point field is accepted;</li>
 *   <li>duplicate keys and trailing content after the value;</li>
 *   <li>JSON {@code null} for any name other than {@link MessageTypes#NULL} (a message is never
 *       turned into {@code null}).</li>
 * </ul>
 * A caller's {@link Builder#customize(Consumer) customizer} runs before these settings are
 * applied, so it cannot loosen them; it can add modules or settings of its own.
 *
 * <h2>Size</h2>
 * With {@link Builder#maxEncodedBytes(int)} (for example the transport's largest payload),
 * {@link #encode(Object)} fails with {@link CodecException.Reason#TOO_LARGE}, naming the size
 * and the limit, rather than handing the transport a value it would refuse.
 *
 * <p>Immutable and thread-safe: the mapper, and one reader and one writer per registered type,
 * are built once; Jackson's readers and writers are themselves immutable.
 */
public final class JacksonMessageCodec implements MessageCodec {

    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final MessageTypes types;
    private final int maxEncodedBytes;
    private final JsonMapper mapper;
    private final Map<String, ObjectWriter> writers;
    private final Map<String, ObjectReader> readers;

    private JacksonMessageCodec(Builder builder) {
        this.types = builder.types;
        this.maxEncodedBytes = builder.maxEncodedBytes;
        this.mapper = newMapper(builder.customizer);
        Map<String, ObjectWriter> w = new HashMap<>();
        Map<String, ObjectReader> r = new HashMap<>();
        types.asMap().forEach((name, type) -> {
            if (type != Void.class) {
                w.put(name, mapper.writerFor(type));
                r.put(name, mapper.readerFor(type));
            }
        });
        this.writers = Map.copyOf(w);
        this.readers = Map.copyOf(r);
    }

    /**
     * Makes a codec for an allow-list, with the default settings and no size limit.
     *
     * @param types the allow-list
     * @return the codec
     */
    public static JacksonMessageCodec of(MessageTypes types) {
        return builder(types).build();
    }

    /**
     * Starts a codec for an allow-list.
     *
     * @param types the allow-list
     * @return a builder
     */
    public static Builder builder(MessageTypes types) {
        return new Builder(Objects.requireNonNull(types, "types"));
    }

    private static JsonMapper newMapper(Consumer<JsonMapper.Builder> customizer) {
        // NOTE: Jackson's hybrid buffer pool (thread-local on platform threads, shared stripes on
        // virtual ones) instead of its default, a ConcurrentLinkedDeque every parser and generator
        // takes a buffer from and gives it back to: that deque was 8% of the samples of a remote
        // fire-and-forget benchmark (JFR), whose codec calls run on jnats' platform threads and
        // the caller's. JMH, alternating: 908 k/s against 805 k/s mean over three runs each
        // (docs/benchmarks/2026-11-30-distributed.md).
        JsonMapper.Builder b = JsonMapper.builder(JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.sharedHybridPool()).build());
        customizer.accept(b);
        return b
                // the receiver picks the class from the type name; the payload never does
                .deactivateDefaultTyping()
                .polymorphicTypeValidator(DenyAllTypeIds.INSTANCE)
                // bytes that do not fit the named class exactly are a DECODE_FAILED
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // an error's location does not quote the whole document (it may be logged)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                // a registered class Jackson sees no property in would cross as {} and lose its state
                .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                // what an accessor or constructor throws comes back as a JacksonException, so
                // that every failure leaves this codec as a CodecException
                .enable(SerializationFeature.WRAP_EXCEPTIONS)
                .enable(DeserializationFeature.WRAP_EXCEPTIONS)
                .build();
    }

    @Override
    public MessageTypes types() {
        return types;
    }

    /**
     * Returns the largest encoding {@link #encode(Object)} accepts.
     *
     * @return the limit in bytes ({@link Integer#MAX_VALUE} if none was set)
     */
    public int maxEncodedBytes() {
        return maxEncodedBytes;
    }

    @Override
    public byte[] encode(Object value) {
        if (value == null) {
            return JSON_NULL.clone();
        }
        // the allow-list decides which class a value counts as; the writer is that class's
        String name = types.nameOf(value);
        Class<?> type = types.typeOf(name);
        byte[] bytes;
        try {
            bytes = writers.get(name).writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new CodecException(CodecException.Reason.ENCODE_FAILED, name,
                    "Jackson could not write a " + type.getName() + ": " + describe(e), e);
        }
        if (bytes.length > maxEncodedBytes) {
            throw new CodecException(CodecException.Reason.TOO_LARGE, name,
                    "a " + type.getName() + " encodes to " + bytes.length + " bytes, over the limit of "
                            + maxEncodedBytes + " bytes; send smaller messages (or raise the transport's limit)",
                    null);
        }
        return bytes;
    }

    @Override
    public Object decode(String typeName, byte[] bytes) {
        Class<?> type = types.typeOf(typeName);
        Objects.requireNonNull(bytes, "bytes");
        try {
            if (type == Void.class) {
                return decodeNull(typeName, bytes);
            }
            Object value = readers.get(typeName).readValue(bytes);
            if (value == null) {
                throw new CodecException(CodecException.Reason.DECODE_FAILED, typeName,
                        "JSON null is not a " + type.getName() + " (only '" + MessageTypes.NULL
                                + "' decodes to null)", null);
            }
            return value;
        } catch (JacksonException e) {
            throw new CodecException(CodecException.Reason.DECODE_FAILED, typeName,
                    bytes.length + " bytes do not make a " + type.getName() + ": " + describe(e), e);
        }
    }

    /** Jackson's own sentence and where in the value it went wrong, without the payload's text. */
    private static String describe(JacksonException e) {
        return e.getPath().isEmpty() ? e.getOriginalMessage()
                : e.getOriginalMessage() + " (at " + e.getPathReference() + ")";
    }

    private Object decodeNull(String typeName, byte[] bytes) {
        try (var parser = mapper.createParser(bytes)) {
            if (parser.nextToken() == JsonToken.VALUE_NULL && parser.nextToken() == null) {
                return null;
            }
        }
        throw new CodecException(CodecException.Reason.DECODE_FAILED, typeName,
                "the '" + MessageTypes.NULL + "' reply must be the JSON null, not " + bytes.length + " other bytes",
                null);
    }

    @Override
    public String toString() {
        return "JacksonMessageCodec[" + types.asMap().size() + " types"
                + (maxEncodedBytes == Integer.MAX_VALUE ? "" : ", max " + maxEncodedBytes + " bytes") + "]";
    }

    /** Builds a {@link JacksonMessageCodec}; each option may be set once. */
    public static final class Builder {
        private final MessageTypes types;
        private int maxEncodedBytes = Integer.MAX_VALUE;
        private boolean maxSet;
        private Consumer<JsonMapper.Builder> customizer = b -> { };
        private boolean customizerSet;

        private Builder(MessageTypes types) {
            this.types = types;
        }

        /**
         * Sets the largest encoding {@link JacksonMessageCodec#encode(Object)} returns; a larger
         * one fails with {@link CodecException.Reason#TOO_LARGE}. A transport passes its largest
         * payload (for NATS: the server's {@code max_payload}, less what it adds itself).
         *
         * @param bytes the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes < 1}
         * @throws IllegalStateException    if the limit was already set
         */
        public Builder maxEncodedBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxEncodedBytes must be at least 1, not " + bytes);
            }
            if (maxSet) {
                throw new IllegalStateException("maxEncodedBytes is already set to " + maxEncodedBytes);
            }
            this.maxEncodedBytes = bytes;
            this.maxSet = true;
            return this;
        }

        /**
         * Lets the caller adjust the Jackson mapper (add a module, a naming strategy, ...). It
         * runs first; the codec's safety and strictness settings (see
         * {@link JacksonMessageCodec}) are applied after it and win. A customizer that changes
         * how a type is written must be the same on every node.
         *
         * @param customizer called once, with the mapper's builder
         * @return this builder
         * @throws IllegalStateException if a customizer was already set
         */
        public Builder customize(Consumer<JsonMapper.Builder> customizer) {
            Objects.requireNonNull(customizer, "customizer");
            if (customizerSet) {
                throw new IllegalStateException("a customizer is already set");
            }
            this.customizer = customizer;
            this.customizerSet = true;
            return this;
        }

        /**
         * Builds the codec.
         *
         * @return an immutable, thread-safe codec
         */
        public JacksonMessageCodec build() {
            return new JacksonMessageCodec(this);
        }
    }

    /**
     * Denies every polymorphic type id: with it, no annotation on a registered class and no
     * setting can let the payload name the class to instantiate.
     */
    private static final class DenyAllTypeIds extends PolymorphicTypeValidator.Base {
        @Serial
        private static final long serialVersionUID = 1L;

        static final DenyAllTypeIds INSTANCE = new DenyAllTypeIds();

        @Override
        public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
            return Validity.DENIED;
        }

        @Override
        public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
            return Validity.DENIED;
        }

        @Override
        public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
            return Validity.DENIED;
        }
    }
}
