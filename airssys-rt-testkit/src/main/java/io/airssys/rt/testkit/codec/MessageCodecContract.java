package io.airssys.rt.testkit.codec;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.DeliveryFailure;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The behaviour every {@link MessageCodec} must show, whatever its wire format. A codec's test
 * extends this class and makes a codec for the allow-list it is given:
 *
 * <pre>{@code
 * class JacksonMessageCodecTest extends MessageCodecContract {
 *     protected MessageCodec newCodec(MessageTypes types) { return JacksonMessageCodec.of(types); }
 * }
 * }</pre>
 *
 * <p>What it checks: every built-in name and plain-data records (nested records, lists, maps,
 * enums, empty and unicode strings, {@code null} components, numeric extremes) come back equal
 * and of exactly the registered class; the {@code null} reply; every {@link DeliveryException}
 * survives {@link DeliveryFailure} and the codec with its class, code, actor, message type and
 * detail; every failure is a {@link CodecException} with the right reason and the type's name;
 * and a codec shared by several threads gives each the right answer. Shapes a lenient codec
 * might accept (an unknown property, a missing component), or that a binary format cannot tell
 * apart (any bytes may be a valid string), are left to each codec's own tests; the mismatches
 * here are ones no codec may paper over.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class MessageCodecContract {

    /** The codec under test, made fresh for each test from {@link #contractTypes()}. */
    protected MessageCodec codec;

    /** For subclasses: one per codec implementation (or configuration) under test. */
    protected MessageCodecContract() {
    }

    /**
     * Returns a codec that carries exactly the given allow-list.
     *
     * @param types the allow-list
     * @return the codec under test
     */
    protected abstract MessageCodec newCodec(MessageTypes types);

    // ------------------------------------------------------------------ test data

    /** A level of service, for enum components and an enum message. */
    public enum Tier {
        /** The first level. */
        BRONZE,
        /** The second level. */
        GOLD
    }

    /**
     * A flat message.
     *
     * @param account an account name
     * @param amount  an amount
     */
    public record Deposit(String account, long amount) { }

    /** A message with no components (like the spec's {@code GetBalance}). */
    public record Ping() { }

    /**
     * A nested record.
     *
     * @param street the street
     * @param city   the city
     */
    public record Address(String street, String city) { }

    /**
     * Everything plain data may hold.
     *
     * @param name     a string
     * @param age      an int
     * @param active   a boolean
     * @param tier     an enum
     * @param home     a nested record
     * @param previous a list of records
     * @param balances a map of strings to boxed longs
     * @param tags     a list of strings
     * @param byTier   a map keyed by an enum
     * @param score    a double
     */
    public record Customer(String name, int age, boolean active, Tier tier, Address home, List<Address> previous,
                           Map<String, Long> balances, List<String> tags, Map<Tier, List<Address>> byTier,
                           double score) { }

    /**
     * Numbers at their extremes.
     *
     * @param l      a long
     * @param i      an int
     * @param d      a double
     * @param f      a float
     * @param s      a short
     * @param b      a byte
     * @param boxed  a boxed long, possibly {@code null}
     */
    public record Numbers(long l, int i, double d, float f, short s, byte b, Long boxed) { }

    /**
     * A string component, for a wrong-type decode.
     *
     * @param name a string
     */
    public record Named(String name) { }

    /**
     * The same component name as {@link Named} with another type.
     *
     * @param name a number
     */
    public record Counted(long name) { }

    /**
     * Never registered.
     *
     * @param text a string
     */
    public record Unregistered(String text) { }

    /** A registered class whose subclass is not registered. */
    public static class Shape {
        private final String name;

        /**
         * Makes a shape.
         *
         * @param name its name
         */
        public Shape(String name) {
            this.name = name;
        }

        /**
         * Returns the name.
         *
         * @return the name
         */
        public String getName() {
            return name;
        }
    }

    /** A subclass of a registered class, itself not registered. */
    public static final class Circle extends Shape {
        /** Makes a circle. */
        public Circle() {
            super("circle");
        }
    }

    /**
     * The allow-list every codec under this contract is made with.
     *
     * @return the contract's types, under names of the form {@code contract.<Simple>}
     */
    protected static MessageTypes contractTypes() {
        return MessageTypes.builder()
                .add("contract.Deposit", Deposit.class)
                .add("contract.Ping", Ping.class)
                .add("contract.Address", Address.class)
                .add("contract.Customer", Customer.class)
                .add("contract.Numbers", Numbers.class)
                .add("contract.Named", Named.class)
                .add("contract.Counted", Counted.class)
                .add("contract.Tier", Tier.class)
                .add("contract.Shape", Shape.class)
                .build();
    }

    @BeforeEach
    void makeCodec() {
        codec = newCodec(contractTypes());
    }

    /**
     * Encodes a value and decodes it under the name its type is registered with.
     *
     * @param value the value
     * @return what came back
     */
    protected Object roundTrip(Object value) {
        String name = codec.types().nameOf(value);
        return codec.decode(name, codec.encode(value));
    }

    /**
     * Asserts that a call fails with a {@link CodecException} of the given reason that names the type
     * (in {@link CodecException#typeName()} and in its message); for a codec's own tests too.
     *
     * @param call     the encode or decode
     * @param reason   the expected reason
     * @param typeName the registered name, or class name, the failure must name
     * @return the exception, for further checks
     */
    public static CodecException assertCodecFailure(ThrowingCallable call, CodecException.Reason reason,
                                                    String typeName) {
        CodecException e = catchThrowableOfType(CodecException.class, call);
        assertThat(e).as("a CodecException").isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.typeName()).isEqualTo(typeName);
        assertThat(e.getMessage()).contains(typeName);
        return e;
    }

    private static Customer customer(int n) {
        return new Customer("customer-" + n, n, n % 2 == 0, n % 2 == 0 ? Tier.GOLD : Tier.BRONZE,
                new Address(n + " Main St", "Springfield"),
                List.of(new Address("1 Old Rd", "Shelbyville"), new Address("2 Older Rd", "Capital City")),
                Map.of("checking", (long) n, "savings", Long.MAX_VALUE - n),
                List.of("a", "b", String.valueOf(n)),
                Map.of(Tier.GOLD, List.of(new Address("3 Gold Ave", "Ogdenville")), Tier.BRONZE, List.of()),
                n / 7.0);
    }

    // ------------------------------------------------------------------ the allow-list

    @Test
    void typesAreTheAllowListTheCodecWasMadeWith() {
        assertThat(codec.types().asMap()).isEqualTo(contractTypes().asMap());
    }

    // ------------------------------------------------------------------ built-ins

    @Test
    void stringsRoundTripIncludingEmptyUnicodeAndEscapes() {
        for (String s : List.of("", " ", "hello", "h\u00e9llo w\u00f6rld", "\u65e5\u672c\u8a9e", "\ud83d\ude00 emoji",
                "quote \" backslash \\ slash / tab \t newline \n nul \u0000", "\u2028\u2029")) {
            assertThat(codec.types().nameOf(s)).isEqualTo("string");
            assertThat(roundTrip(s)).isEqualTo(s);
        }
    }

    @Test
    void scalarRepliesRoundTripAtTheirExtremes() {
        for (Object v : List.of(true, false, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE,
                0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1)) {
            Object back = roundTrip(v);
            assertThat(back).isEqualTo(v);
            assertThat(back.getClass()).isEqualTo(v.getClass());
        }
    }

    @Test
    void doublesRoundTripBitForBit() {
        for (double d : new double[] {0.0, -0.0, 0.1, 1.0, -1.5, 1.0 / 3, Math.PI, Double.MIN_VALUE,
                Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 9007199254740993.0,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Object back = roundTrip(d);
            assertThat(back).isInstanceOf(Double.class);
            assertThat(Double.doubleToRawLongBits((Double) back)).as("%s", d)
                    .isEqualTo(Double.doubleToRawLongBits(d));
        }
    }

    @Test
    void nullReplyRoundTripsUnderTheNullName() {
        Object nothing = null;
        assertThat(codec.types().nameOf(null)).isEqualTo(MessageTypes.NULL);
        assertThat(codec.decode(MessageTypes.NULL, codec.encode(null))).isNull();
        assertThat(roundTrip(nothing)).isNull();
    }

    @Test
    void encodeReturnsAFreshArrayEachTime() {
        byte[] first = codec.encode(null);
        java.util.Arrays.fill(first, (byte) '#');
        assertThat(codec.decode(MessageTypes.NULL, codec.encode(null))).isNull();
        byte[] deposit = codec.encode(new Deposit("a", 1));
        java.util.Arrays.fill(deposit, (byte) '#');
        assertThat(roundTrip(new Deposit("a", 1))).isEqualTo(new Deposit("a", 1));
    }

    // ------------------------------------------------------------------ plain-data records

    @Test
    void flatAndEmptyRecordsRoundTripAsExactlyTheirClass() {
        Object deposit = roundTrip(new Deposit("acc-1", 250));
        assertThat(deposit).isEqualTo(new Deposit("acc-1", 250));
        assertThat(deposit.getClass()).isEqualTo(Deposit.class);
        Object ping = roundTrip(new Ping());
        assertThat(ping).isEqualTo(new Ping());
        assertThat(ping.getClass()).isEqualTo(Ping.class);
    }

    @Test
    void nestedRecordsListsMapsAndEnumsRoundTrip() {
        for (int n = 0; n < 5; n++) {
            assertThat(roundTrip(customer(n))).isEqualTo(customer(n));
        }
    }

    @Test
    void emptyStringsCollectionsAndNullComponentsRoundTrip() {
        Customer empty = new Customer("", 0, false, Tier.BRONZE, new Address("", ""), List.of(), Map.of(),
                List.of(""), Map.of(), 0.0);
        assertThat(roundTrip(empty)).isEqualTo(empty);
        Customer nulls = new Customer(null, 1, true, null, null, null, null, null, null, 2.5);
        assertThat(roundTrip(nulls)).isEqualTo(nulls);
        assertThat(roundTrip(new Deposit(null, 0))).isEqualTo(new Deposit(null, 0));
    }

    @Test
    void unicodeInComponentsAndMapKeysRoundTrips() {
        Customer c = new Customer("Zo\u00eb \ud83d\ude80 \u0416", 3, true, Tier.GOLD,
                new Address("\u00c5sgatan 1", "\u6771\u4eac"), List.of(),
                Map.of("\u20ac-account", 5L, "\ud83d\udcb0", -5L), List.of("\u0000", "\"", "\\"), Map.of(), -0.5);
        assertThat(roundTrip(c)).isEqualTo(c);
    }

    @Test
    void numbersRoundTripAtTheirExtremes() {
        List<Numbers> all = List.of(
                new Numbers(Long.MIN_VALUE, Integer.MIN_VALUE, -Double.MAX_VALUE, -Float.MAX_VALUE,
                        Short.MIN_VALUE, Byte.MIN_VALUE, Long.MIN_VALUE),
                new Numbers(Long.MAX_VALUE, Integer.MAX_VALUE, Double.MAX_VALUE, Float.MAX_VALUE,
                        Short.MAX_VALUE, Byte.MAX_VALUE, Long.MAX_VALUE),
                new Numbers(0, 0, Double.MIN_VALUE, Float.MIN_VALUE, (short) 0, (byte) 0, null),
                new Numbers(-1, -1, 0.1, 0.1f, (short) -1, (byte) -1, 0L));
        for (Numbers n : all) {
            assertThat(roundTrip(n)).isEqualTo(n);
        }
    }

    @Test
    void anEnumRegisteredAsAMessageRoundTrips() {
        for (Tier t : Tier.values()) {
            assertThat(roundTrip(t)).isSameAs(t);
        }
    }

    // ------------------------------------------------------------------ delivery failures

    private static List<DeliveryException> everyDeliveryException() {
        ActorId actor = ActorId.of(ActorId.FIRST_GENERATED + 42);
        List<DeliveryException> all = new ArrayList<>();
        for (SendError e : SendError.values()) {
            all.add(new SendException(e, actor, "GetBalance", "detail of " + e + " \u00e9\ud83d\ude00", null));
            all.add(new SendException(e, actor, "GetBalance", "stackless " + e, null, false));
        }
        all.add(new SendException(SendError.ACTOR_NOT_FOUND, ActorId.of(Long.MIN_VALUE), "Deposit", "", null));
        for (BrokerError e : BrokerError.values()) {
            all.add(new BrokerException(e, actor, "detail of " + e));
            all.add(new BrokerException(e, null, "no actor for " + e));
        }
        all.add(new BrokerException(BrokerError.CODEC_FAILED, actor, "with a cause",
                new CodecException(CodecException.Reason.TOO_LARGE, "bank.Deposit", "too big", null)));
        all.add(new ActorFailedException(actor, "GetBalance", new IllegalStateException("account closed")));
        all.add(new ActorFailedException(actor, "GetBalance", new NullPointerException()));
        all.add(new ActorFailedException(ActorId.of(Long.MAX_VALUE), "Deposit", "com.example.Boom", "remote \u00e9"));
        return all;
    }

    @Test
    void everyDeliveryExceptionCrossesWithItsClassCodeActorTypeAndDetail() {
        for (DeliveryException original : everyDeliveryException()) {
            DeliveryFailure failure = DeliveryFailure.of(original);
            assertThat(codec.types().nameOf(failure)).isEqualTo(MessageTypes.FAILURE);
            Object decoded = codec.decode(MessageTypes.FAILURE, codec.encode(failure));
            assertThat(decoded).as("%s", original).isEqualTo(failure);

            DeliveryException rebuilt = ((DeliveryFailure) decoded).toException();
            assertThat(rebuilt.getClass()).isEqualTo(original.getClass());
            assertThat(rebuilt.code()).isEqualTo(original.code());
            assertThat(rebuilt.actorId()).isEqualTo(original.actorId());
            assertThat(rebuilt.getMessage()).isEqualTo(original.getMessage());
            switch (original) {
                case SendException s -> {
                    SendException r = (SendException) rebuilt;
                    assertThat(r.error()).isEqualTo(s.error());
                    assertThat(r.messageType()).isEqualTo(s.messageType());
                    assertThat(r.detail()).isEqualTo(s.detail());
                }
                case BrokerException b -> {
                    BrokerException r = (BrokerException) rebuilt;
                    assertThat(r.error()).isEqualTo(b.error());
                    assertThat(r.detail()).isEqualTo(b.detail());
                    assertThat(r.isBrokerClosed()).isEqualTo(b.isBrokerClosed());
                }
                case ActorFailedException a -> {
                    ActorFailedException r = (ActorFailedException) rebuilt;
                    assertThat(r.messageType()).isEqualTo(a.messageType());
                    assertThat(r.causeClassName()).isEqualTo(a.causeClassName());
                    assertThat(r.causeMessage()).isEqualTo(a.causeMessage());
                }
            }
        }
    }

    @Test
    void aFailureWithACodeThisVersionDoesNotKnowStillCrosses() {
        DeliveryFailure future = new DeliveryFailure("QUOTA_EXCEEDED", 7L, null, "over quota", null, null);
        Object decoded = codec.decode(MessageTypes.FAILURE, codec.encode(future));
        assertThat(decoded).isEqualTo(future);
        DeliveryException e = ((DeliveryFailure) decoded).toException();
        assertThat(e).isInstanceOf(BrokerException.class);
        assertThat(((BrokerException) e).error()).isEqualTo(BrokerError.ROUTING_FAILED);
        assertThat(e.getMessage()).contains("QUOTA_EXCEEDED", "over quota");
    }

    // ------------------------------------------------------------------ failures

    @Test
    void encodingAnUnregisteredTypeIsUnknownTypeNamingTheClass() {
        assertCodecFailure(() -> codec.encode(new Unregistered("x")), CodecException.Reason.UNKNOWN_TYPE,
                Unregistered.class.getName());
        assertCodecFailure(() -> codec.encode(new Object()), CodecException.Reason.UNKNOWN_TYPE, Object.class.getName());
        assertCodecFailure(() -> codec.encode(List.of("x")), CodecException.Reason.UNKNOWN_TYPE,
                List.of("x").getClass().getName());
    }

    @Test
    void aSubclassIsNotRegisteredByItsParent() {
        assertThat(codec.encode(new Shape("square"))).isNotEmpty();
        assertCodecFailure(() -> codec.encode(new Circle()), CodecException.Reason.UNKNOWN_TYPE, Circle.class.getName());
    }

    @Test
    void decodingAnUnknownNameIsUnknownTypeNamingIt() {
        byte[] bytes = codec.encode(new Deposit("a", 1));
        assertCodecFailure(() -> codec.decode("no.such.Type", bytes), CodecException.Reason.UNKNOWN_TYPE, "no.such.Type");
        // a class name is not a type name: the wire never picks a class
        assertCodecFailure(() -> codec.decode(Deposit.class.getName(), bytes), CodecException.Reason.UNKNOWN_TYPE,
                Deposit.class.getName());
    }

    @Test
    void malformedBytesAreDecodeFailedNamingTheType() {
        byte[] good = codec.encode(new Deposit("a", 1));
        List<byte[]> malformed = List.of(
                new byte[0],
                java.util.Arrays.copyOf(good, good.length / 2),
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2},
                "{{{".getBytes(StandardCharsets.UTF_8),
                "\u0000".getBytes(StandardCharsets.UTF_8));
        for (byte[] bytes : malformed) {
            assertCodecFailure(() -> codec.decode("contract.Deposit", bytes), CodecException.Reason.DECODE_FAILED,
                    "contract.Deposit");
            assertCodecFailure(() -> codec.decode("long", bytes), CodecException.Reason.DECODE_FAILED, "long");
            assertCodecFailure(() -> codec.decode(MessageTypes.FAILURE, bytes), CodecException.Reason.DECODE_FAILED,
                    MessageTypes.FAILURE);
        }
    }

    @Test
    void bytesOfAnotherTypeAreDecodeFailed() {
        byte[] deposit = codec.encode(new Deposit("a", 1));
        assertCodecFailure(() -> codec.decode("long", deposit), CodecException.Reason.DECODE_FAILED, "long");
        assertCodecFailure(() -> codec.decode(MessageTypes.NULL, deposit), CodecException.Reason.DECODE_FAILED,
                MessageTypes.NULL);
        byte[] text = codec.encode("not a deposit");
        assertCodecFailure(() -> codec.decode("contract.Deposit", text), CodecException.Reason.DECODE_FAILED,
                "contract.Deposit");
        assertCodecFailure(() -> codec.decode("int", text), CodecException.Reason.DECODE_FAILED, "int");
        byte[] named = codec.encode(new Named("alice"));
        assertCodecFailure(() -> codec.decode("contract.Counted", named), CodecException.Reason.DECODE_FAILED,
                "contract.Counted");
        byte[] tooBigForInt = codec.encode(Long.MAX_VALUE);
        assertCodecFailure(() -> codec.decode("int", tooBigForInt), CodecException.Reason.DECODE_FAILED, "int");
        byte[] unknownConstant = codec.encode("PLATINUM");
        assertCodecFailure(() -> codec.decode("contract.Tier", unknownConstant), CodecException.Reason.DECODE_FAILED,
                "contract.Tier");
    }

    @Test
    void theNullReplyNeverDecodesAsAMessage() {
        byte[] nothing = codec.encode(null);
        assertCodecFailure(() -> codec.decode("contract.Deposit", nothing), CodecException.Reason.DECODE_FAILED,
                "contract.Deposit");
        assertCodecFailure(() -> codec.decode(MessageTypes.FAILURE, nothing), CodecException.Reason.DECODE_FAILED,
                MessageTypes.FAILURE);
    }

    // ------------------------------------------------------------------ threads

    @Test
    void oneCodecServesSeveralThreadsAtOnce() throws Exception {
        int threads = 4;
        int rounds = 500;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    int checked = 0;
                    for (int i = 0; i < rounds; i++) {
                        int n = thread * rounds + i;
                        Object value = switch (i % 5) {
                            case 0 -> customer(n);
                            case 1 -> new Deposit("acc-" + n, n);
                            case 2 -> (long) n;
                            case 3 -> DeliveryFailure.of(new SendException(SendError.TIMEOUT, ActorId.of(n),
                                    "GetBalance", "after " + n + " ms", null));
                            default -> "text-" + n;
                        };
                        assertThat(roundTrip(value)).isEqualTo(value);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(50, TimeUnit.SECONDS)).isEqualTo(rounds);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
